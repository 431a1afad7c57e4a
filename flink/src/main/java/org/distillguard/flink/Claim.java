package org.distillguard.flink;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.distillguard.core.link.AccountEvidence;
import org.distillguard.core.link.Evidence;
import org.distillguard.core.state.Bulk;
import org.jspecify.annotations.Nullable;

/**
 * What an account tells one of its evidence values on a request where it took up values (linking
 * keyed by evidence): a <em>claim</em> of a value it just took up (compare me with the value's
 * recent holders, then enter me), or, for the values it held already, a <em>probe</em> (tell me how
 * many established accounts hold you, and keep my evidence current). Keyed by the value's key.
 *
 * @param key the value's tagged 64-bit key
 * @param isNew claim (true) or probe (false)
 * @param request the account's request count at this request: replies are matched by it
 * @param q position of this value among the request's claims and probes (claims first, in the order
 *     taken, as the linker compares them)
 * @param n claims and probes sent for this request
 * @param evidence the account's evidence after the request ({@link AccountEvidence#linkingCopy})
 * @param label the value's readable form (claims only), kept once two accounts share it
 */
record Claim(
    long key,
    boolean isNew,
    Evidence kind,
    String account,
    long request,
    int q,
    int n,
    AccountEvidence evidence,
    @Nullable String label) {

  static final SerializerTypeInfo<Claim> TYPE =
      new SerializerTypeInfo<>(Claim.class, () -> Serializer.INSTANCE);

  /** Field by field. */
  static final class Serializer extends FieldSerializer<Claim> {
    private static final long serialVersionUID = 1L;
    static final Serializer INSTANCE = new Serializer();

    @Override
    public Claim createInstance() {
      return new Claim(1, false, Evidence.PAYMENT_FP, "", 0, 0, 0, new AccountEvidence(), null);
    }

    @Override
    public Claim copy(Claim c) {
      return c; // never changed once sent
    }

    @Override
    public void serialize(Claim c, DataOutputView out) throws IOException {
      out.writeLong(c.key());
      out.writeBoolean(c.isNew());
      out.writeByte(c.kind().ordinal());
      Bulk.writeString(out, c.account());
      out.writeLong(c.request());
      out.writeShort(c.q());
      out.writeShort(c.n());
      c.evidence().write(out);
      Bulk.writeString(out, c.label());
    }

    @Override
    public Claim deserialize(DataInputView in) throws IOException {
      long key = in.readLong();
      boolean isNew = in.readBoolean();
      Evidence kind = Evidence.values()[in.readUnsignedByte()];
      String account = ObservationSerializer.readString(in);
      long request = in.readLong();
      int q = in.readUnsignedShort();
      int n = in.readUnsignedShort();
      AccountEvidence ev = AccountEvidence.read(in);
      return new Claim(key, isNew, kind, account, request, q, n, ev, Bulk.readString(in));
    }

    @Override
    public TypeSerializerSnapshot<Claim> snapshotConfiguration() {
      return new Snapshot();
    }

    /** No configuration. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<Claim> {
      public Snapshot() {
        super(() -> INSTANCE);
      }
    }
  }
}
