package org.distillguard.flink;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.distillguard.core.detect.Verdict;
import org.distillguard.core.link.Traits;
import org.distillguard.core.state.Bulk;

/** An {@link Update} between the two stages, field by field (no Kryo, no intermediate array). */
final class UpdateSerializer extends TypeSerializerSingleton<Update> {
  private static final long serialVersionUID = 1L;
  static final UpdateSerializer INSTANCE = new UpdateSerializer();

  private static final int FINAL = 1;
  private static final int TRAITS = 2;
  private static final int SNAPSHOT = 4;

  @Override
  public boolean isImmutableType() {
    return false; // the snapshot is an array
  }

  @Override
  public Update createInstance() {
    return new Update(true, "", 0, 0, 0, Verdict.BENIGN, 0, null, null);
  }

  @Override
  public Update copy(Update from) {
    byte[] s = from.snapshot();
    return s == null
        ? from
        : new Update(
            from.fin(),
            from.account(),
            from.timeMillis(),
            from.requests(),
            from.lastSeen(),
            from.own(),
            from.peakScore(),
            from.traits(),
            s.clone());
  }

  @Override
  public Update copy(Update from, Update reuse) {
    return copy(from);
  }

  @Override
  public int getLength() {
    return -1;
  }

  @Override
  public void serialize(Update u, DataOutputView out) throws IOException {
    Traits t = u.traits();
    byte[] s = u.snapshot();
    out.writeByte((u.fin() ? FINAL : 0) | (t != null ? TRAITS : 0) | (s != null ? SNAPSHOT : 0));
    Bulk.writeString(out, u.account());
    out.writeLong(u.timeMillis());
    out.writeLong(u.requests());
    out.writeLong(u.lastSeen());
    out.writeByte(u.own().ordinal());
    out.writeDouble(u.peakScore());
    if (t != null) {
      ObservationSerializer.writeTraits(t, out);
    }
    if (s != null) {
      out.writeInt(s.length);
      out.write(s);
    }
  }

  @Override
  public Update deserialize(DataInputView in) throws IOException {
    int flags = in.readUnsignedByte();
    String account = ObservationSerializer.readString(in);
    long time = in.readLong();
    long requests = in.readLong();
    long lastSeen = in.readLong();
    Verdict own = Verdict.ofOrdinal(in.readUnsignedByte());
    double peak = in.readDouble();
    Traits traits = (flags & TRAITS) != 0 ? ObservationSerializer.readTraits(in) : null;
    byte[] snapshot = null;
    if ((flags & SNAPSHOT) != 0) {
      snapshot = new byte[in.readInt()];
      in.readFully(snapshot);
    }
    return new Update(
        (flags & FINAL) != 0, account, time, requests, lastSeen, own, peak, traits, snapshot);
  }

  @Override
  public Update deserialize(Update reuse, DataInputView source) throws IOException {
    return deserialize(source);
  }

  @Override
  public void copy(DataInputView source, DataOutputView target) throws IOException {
    serialize(deserialize(source), target);
  }

  @Override
  public TypeSerializerSnapshot<Update> snapshotConfiguration() {
    return new Snapshot();
  }

  /** The serializer has no configuration. */
  public static final class Snapshot extends SimpleTypeSerializerSnapshot<Update> {
    public Snapshot() {
      super(() -> INSTANCE);
    }
  }
}
