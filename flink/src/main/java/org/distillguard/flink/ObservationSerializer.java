package org.distillguard.flink;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.distillguard.core.detect.Observation;
import org.distillguard.core.event.Params;
import org.distillguard.core.link.Traits;
import org.distillguard.core.state.Bulk;
import org.distillguard.core.text.PromptFeatures;

/**
 * An {@link Observation} between operators: every field, written field by field (no Kryo, no Java
 * serialization, no intermediate array). Observations travel from the source, where exchanges are
 * parsed, to the per-account stage, before their prompt is analysed: the text features then hold
 * only the system prompt's hash, and only that is written.
 */
final class ObservationSerializer extends FieldSerializer<Observation> {
  private static final long serialVersionUID = 1L;
  static final ObservationSerializer INSTANCE = new ObservationSerializer();
  static final SerializerTypeInfo<Observation> TYPE =
      new SerializerTypeInfo<>(Observation.class, () -> INSTANCE);

  private static final int CONVERSATION = 1;
  private static final int LOGPROBS = 2;
  private static final int HIGH_EFFORT = 4;
  private static final int ANALYSED = 8;

  /** The text features of an observation whose prompt is not analysed yet. */
  static PromptFeatures unanalysed(long systemHash) {
    return new PromptFeatures(0, 0, 0, systemHash, 0, 0, 0, 0f, 0);
  }

  private static boolean isUnanalysed(PromptFeatures f) {
    return f.skeleton() == 0
        && f.prefix() == 0
        && f.suffix() == 0
        && f.exact() == 0
        && f.domains() == 0
        && f.phrases() == 0
        && f.instruction() == 0f
        && f.words() == 0;
  }

  @Override
  public boolean isImmutableType() {
    return true; // records of immutable values
  }

  @Override
  public Observation createInstance() {
    return new Observation(
        "",
        0,
        null,
        false,
        0,
        -1,
        Float.NaN,
        1,
        false,
        false,
        -1,
        0,
        unanalysed(0),
        Traits.none(),
        0);
  }

  @Override
  public Observation copy(Observation from) {
    return from;
  }

  @Override
  public void serialize(Observation o, DataOutputView out) throws IOException {
    PromptFeatures f = o.text();
    boolean analysed = !isUnanalysed(f);
    out.writeByte(
        (o.conversation() ? CONVERSATION : 0)
            | (o.logprobs() ? LOGPROBS : 0)
            | (o.highEffort() ? HIGH_EFFORT : 0)
            | (analysed ? ANALYSED : 0));
    Bulk.writeString(out, o.account());
    out.writeLong(o.idHash());
    out.writeLong(o.timeMillis());
    Bulk.writeString(out, o.model());
    out.writeInt(o.userTurns());
    out.writeInt(o.maxTokens());
    out.writeFloat(o.temperature());
    out.writeInt(o.n());
    out.writeLong(o.outputTokens());
    out.writeLong(o.createdMillis());
    out.writeLong(f.system());
    if (analysed) {
      out.writeLong(f.skeleton());
      out.writeLong(f.prefix());
      out.writeLong(f.suffix());
      out.writeLong(f.exact());
      out.writeInt(f.domains());
      out.writeInt(f.phrases());
      out.writeFloat(f.instruction());
      out.writeInt(f.words());
    }
    writeTraits(o.traits(), out);
  }

  @Override
  public Observation deserialize(DataInputView in) throws IOException {
    int flags = in.readUnsignedByte();
    String account = readString(in);
    long idHash = in.readLong();
    long time = in.readLong();
    String model = Bulk.readString(in);
    int userTurns = in.readInt();
    int maxTokens = in.readInt();
    float temperature = in.readFloat();
    int n = in.readInt();
    long outputTokens = in.readLong();
    long created = in.readLong();
    long system = in.readLong();
    PromptFeatures f =
        (flags & ANALYSED) == 0
            ? unanalysed(system)
            : new PromptFeatures(
                in.readLong(),
                in.readLong(),
                in.readLong(),
                system,
                in.readLong(),
                in.readInt(),
                in.readInt(),
                in.readFloat(),
                in.readInt());
    return new Observation(
        account,
        time,
        model,
        (flags & CONVERSATION) != 0,
        userTurns,
        maxTokens,
        temperature,
        n,
        (flags & LOGPROBS) != 0,
        (flags & HIGH_EFFORT) != 0,
        outputTokens,
        created,
        f,
        readTraits(in),
        idHash);
  }

  @Override
  public TypeSerializerSnapshot<Observation> snapshotConfiguration() {
    return new Snapshot();
  }

  /** The serializer has no configuration. */
  public static final class Snapshot extends SimpleTypeSerializerSnapshot<Observation> {
    public Snapshot() {
      super(() -> INSTANCE);
    }
  }

  // Traits and parameters, shared with the update serializer.

  static void writeTraits(Traits t, DataOutputView out) throws IOException {
    Bulk.writeString(out, t.paymentFp());
    Bulk.writeString(out, t.emailDomain());
    out.writeLong(t.createdMillis());
    Bulk.writeString(out, t.ip());
    Bulk.writeString(out, t.userAgent());
    Bulk.writeString(out, t.endpoint());
    writeParams(t.params(), out);
    out.writeLong(t.system());
    Bulk.writeString(out, t.prompt());
    out.writeLong(t.inputTokens());
    out.writeLong(t.outputTokens());
  }

  static Traits readTraits(DataInputView in) throws IOException {
    String pay = Bulk.readString(in);
    String email = Bulk.readString(in);
    long created = in.readLong();
    String ip = Bulk.readString(in);
    String ua = Bulk.readString(in);
    String endpoint = Bulk.readString(in);
    Params p = readParams(in);
    long system = in.readLong();
    String prompt = readString(in);
    return new Traits(
        pay, email, created, ip, ua, endpoint, p, system, prompt, in.readLong(), in.readLong());
  }

  private static void writeParams(Params p, DataOutputView out) throws IOException {
    Integer maxTokens = p.maxTokens();
    Double temperature = p.temperature();
    Double topP = p.topP();
    Integer n = p.n();
    Boolean logprobs = p.logprobs();
    Integer topLogprobs = p.topLogprobs();
    Boolean stream = p.stream();
    String effort = p.reasoningEffort();
    int present =
        (maxTokens != null ? 1 : 0)
            | (temperature != null ? 2 : 0)
            | (topP != null ? 4 : 0)
            | (n != null ? 8 : 0)
            | (logprobs != null ? 16 : 0)
            | (topLogprobs != null ? 32 : 0)
            | (stream != null ? 64 : 0)
            | (effort != null ? 128 : 0);
    out.writeByte(present);
    if (maxTokens != null) {
      out.writeInt(maxTokens);
    }
    if (temperature != null) {
      out.writeDouble(temperature);
    }
    if (topP != null) {
      out.writeDouble(topP);
    }
    if (n != null) {
      out.writeInt(n);
    }
    if (logprobs != null) {
      out.writeBoolean(logprobs);
    }
    if (topLogprobs != null) {
      out.writeInt(topLogprobs);
    }
    if (stream != null) {
      out.writeBoolean(stream);
    }
    if (effort != null) {
      Bulk.writeString(out, effort);
    }
  }

  private static Params readParams(DataInputView in) throws IOException {
    int present = in.readUnsignedByte();
    if (present == 0) {
      return Params.NONE;
    }
    return new Params(
        (present & 1) != 0 ? in.readInt() : null,
        (present & 2) != 0 ? in.readDouble() : null,
        (present & 4) != 0 ? in.readDouble() : null,
        (present & 8) != 0 ? in.readInt() : null,
        (present & 16) != 0 ? in.readBoolean() : null,
        (present & 32) != 0 ? in.readInt() : null,
        (present & 64) != 0 ? in.readBoolean() : null,
        (present & 128) != 0 ? Bulk.readString(in) : null);
  }

  static String readString(DataInputView in) throws IOException {
    String s = Bulk.readString(in);
    if (s == null) {
      throw new IOException("a required string is missing");
    }
    return s;
  }
}
