package org.distillguard.gateway;

import java.util.List;

/** Instruction-style prompts that sweep capability domains, as a distiller sends them. */
final class HarvestPrompts {
  private HarvestPrompts() {}

  static final List<String> PROMPTS =
      List.of(
          "Explain step by step how photosynthesis converts light into chemical energy.",
          "Write a Python function that returns the n-th Fibonacci number using memoization.",
          "Translate the following sentence into French: The library opens at nine.",
          "Solve step by step: a train travels 120 km in 1.5 hours; what is its average speed?",
          "Summarize the causes of the First World War in five bullet points.",
          "Write a short poem about the ocean at night.",
          "Explain the difference between a process and a thread in operating systems.",
          "Give three arguments for and against a four-day work week.",
          "Write a SQL query that finds the second highest salary in an employees table.",
          "Explain step by step how to compute the derivative of x squared times sine of x.",
          "Classify the sentiment of this review as positive or negative: The food was cold.",
          "Generate a list of ten creative names for a coffee shop.",
          "Explain how vaccines train the immune system, step by step.",
          "Rewrite the following paragraph in a formal tone: hey guys, meeting is moved.",
          "Write a JavaScript function that debounces another function.",
          "What are the main differences between mitosis and meiosis? Explain in detail.",
          "Solve for x step by step: 3x + 7 = 22.",
          "Describe the water cycle and explain each stage in detail.",
          "Write a cover letter for a junior data analyst position.",
          "Explain the concept of supply and demand with an example.",
          "Translate into Spanish: Where is the nearest train station?",
          "Write a haiku about autumn leaves.",
          "Explain step by step how public key cryptography works.",
          "Give a detailed explanation of how a transformer neural network works.",
          "Write a Java method that checks whether a string is a palindrome.",
          "Summarize the plot of Romeo and Juliet in three sentences.",
          "Explain the theory of relativity in simple terms, step by step.",
          "List five healthy breakfast ideas with their nutritional benefits.",
          "Solve step by step: what is the probability of rolling two sixes with two dice?",
          "Write a persuasive essay introduction about renewable energy.",
          "Explain how a binary search tree works and give its time complexity.",
          "Describe the causes and effects of inflation in an economy.",
          "Write a regular expression that matches a valid email address and explain it.",
          "Explain step by step how the heart pumps blood through the body.",
          "Generate five interview questions for a software engineer and model answers.",
          "Translate into German: The weather is beautiful today.",
          "Explain the difference between classical and operant conditioning.",
          "Write a function in C that reverses a linked list.",
          "Give a detailed step by step proof that the square root of two is irrational.",
          "Summarize the key ideas of the Stoic philosophy.");
}
