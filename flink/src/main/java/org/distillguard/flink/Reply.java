package org.distillguard.flink;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.distillguard.core.link.AccountEvidence;
import org.distillguard.core.link.EvidenceValue;
import org.distillguard.core.state.Bulk;
import org.jspecify.annotations.Nullable;

/**
 * An evidence value's answer to a {@link Claim}, keyed by the claiming account: the value's
 * established holders (its rarity) and, for a claim, the recent holders to compare the account
 * with.
 *
 * @param newLabel the value's label when this claim made it shared (its second holder), or null
 */
record Reply(
    String account,
    long request,
    int q,
    int n,
    long key,
    boolean isNew,
    int established,
    List<EvidenceValue.Holder> candidates,
    @Nullable String newLabel) {

  Reply {
    candidates = List.copyOf(candidates);
  }

  static final SerializerTypeInfo<Reply> TYPE =
      new SerializerTypeInfo<>(Reply.class, () -> Serializer.INSTANCE);

  /** Field by field. */
  static final class Serializer extends FieldSerializer<Reply> {
    private static final long serialVersionUID = 1L;
    static final Serializer INSTANCE = new Serializer();

    @Override
    public Reply createInstance() {
      return new Reply("", 0, 0, 0, 1, false, 0, List.of(), null);
    }

    @Override
    public Reply copy(Reply r) {
      return r; // never changed once sent
    }

    @Override
    public void serialize(Reply r, DataOutputView out) throws IOException {
      Bulk.writeString(out, r.account());
      out.writeLong(r.request());
      out.writeShort(r.q());
      out.writeShort(r.n());
      out.writeLong(r.key());
      out.writeBoolean(r.isNew());
      out.writeInt(r.established());
      out.writeByte(r.candidates().size());
      for (EvidenceValue.Holder h : r.candidates()) {
        Bulk.writeString(out, h.account());
        h.evidence().write(out);
      }
      Bulk.writeString(out, r.newLabel());
    }

    @Override
    public Reply deserialize(DataInputView in) throws IOException {
      String account = ObservationSerializer.readString(in);
      long request = in.readLong();
      int q = in.readUnsignedShort();
      int n = in.readUnsignedShort();
      long key = in.readLong();
      boolean isNew = in.readBoolean();
      int established = in.readInt();
      int c = in.readUnsignedByte();
      List<EvidenceValue.Holder> candidates = new ArrayList<>(c);
      for (int i = 0; i < c; i++) {
        String h = ObservationSerializer.readString(in);
        candidates.add(new EvidenceValue.Holder(h, AccountEvidence.read(in)));
      }
      return new Reply(
          account, request, q, n, key, isNew, established, candidates, Bulk.readString(in));
    }

    @Override
    public TypeSerializerSnapshot<Reply> snapshotConfiguration() {
      return new Snapshot();
    }

    /** No configuration. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<Reply> {
      public Snapshot() {
        super(() -> INSTANCE);
      }
    }
  }
}
