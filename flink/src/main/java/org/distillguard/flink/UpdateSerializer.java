package org.distillguard.flink;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.distillguard.core.detect.Verdict;
import org.distillguard.core.link.AccountEvidence;
import org.distillguard.core.link.Traits;
import org.distillguard.core.state.Bulk;

/** An {@link Update} between the two stages, field by field (no Kryo, no intermediate array). */
final class UpdateSerializer extends FieldSerializer<Update> {
  private static final long serialVersionUID = 1L;
  static final UpdateSerializer INSTANCE = new UpdateSerializer();

  private static final int FINAL = 1;
  private static final int TRAITS = 2;
  private static final int SNAPSHOT = 4;
  private static final int LINKING = 8;
  private static final int EVIDENCE = 16;

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
            s.clone(),
            from.linking());
  }

  @Override
  public void serialize(Update u, DataOutputView out) throws IOException {
    Traits t = u.traits();
    byte[] s = u.snapshot();
    Linking l = u.linking();
    out.writeByte(
        (u.fin() ? FINAL : 0)
            | (t != null ? TRAITS : 0)
            | (s != null ? SNAPSHOT : 0)
            | (l != null ? LINKING : 0)
            | (l != null && l.evidence() != null ? EVIDENCE : 0));
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
    if (l != null) {
      AccountEvidence e = l.evidence();
      if (e != null) {
        e.write(out);
      }
      out.writeShort(l.expect());
      out.writeShort(l.links().size());
      for (AccountEvidence.Link k : l.links()) {
        Bulk.writeString(out, k.with());
        out.writeInt(k.mask());
      }
      out.writeShort(l.labels().size());
      for (Linking.Label k : l.labels()) {
        out.writeLong(k.key());
        Bulk.writeString(out, k.label());
      }
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
    Linking linking = null;
    if ((flags & LINKING) != 0) {
      AccountEvidence e = (flags & EVIDENCE) != 0 ? AccountEvidence.read(in) : null;
      int expect = in.readUnsignedShort();
      int n = in.readUnsignedShort();
      List<AccountEvidence.Link> links = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        links.add(new AccountEvidence.Link(ObservationSerializer.readString(in), in.readInt()));
      }
      int m = in.readUnsignedShort();
      List<Linking.Label> labels = new ArrayList<>(m);
      for (int i = 0; i < m; i++) {
        labels.add(new Linking.Label(in.readLong(), ObservationSerializer.readString(in)));
      }
      linking =
          e == null && expect == 0 && links.isEmpty() && labels.isEmpty()
              ? Linking.NONE
              : new Linking(e, expect, links, labels);
    }
    return new Update(
        (flags & FINAL) != 0,
        account,
        time,
        requests,
        lastSeen,
        own,
        peak,
        traits,
        snapshot,
        linking);
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
