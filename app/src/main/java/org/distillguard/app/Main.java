package org.distillguard.app;

/** Entry point of the distillguard command. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.out.println("distillguard");
  }
}
