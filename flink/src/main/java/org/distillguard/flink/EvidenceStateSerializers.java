package org.distillguard.flink;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.distillguard.core.link.AccountEvidence;
import org.distillguard.core.link.EvidenceValue;

/**
 * Keyed state of linking keyed by evidence, in the core's own formats: an account's {@link
 * AccountEvidence} (accounts operator) and an evidence value's {@link EvidenceValue} (evidence
 * operator).
 */
final class EvidenceStateSerializers {
  private EvidenceStateSerializers() {}

  static final SerializerTypeInfo<AccountEvidence> ACCOUNT =
      new SerializerTypeInfo<>(AccountEvidence.class, () -> OfAccount.INSTANCE);
  static final SerializerTypeInfo<EvidenceValue> VALUE =
      new SerializerTypeInfo<>(EvidenceValue.class, () -> OfValue.INSTANCE);

  /** An account's evidence: ~90 bytes, plus the prompt ends of a template still being learned. */
  static final class OfAccount extends FieldSerializer<AccountEvidence> {
    private static final long serialVersionUID = 1L;
    static final OfAccount INSTANCE = new OfAccount();

    @Override
    public AccountEvidence createInstance() {
      return new AccountEvidence();
    }

    @Override
    public AccountEvidence copy(AccountEvidence from) {
      return from.copy();
    }

    @Override
    public void serialize(AccountEvidence e, DataOutputView out) throws IOException {
      e.write(out);
    }

    @Override
    public AccountEvidence deserialize(DataInputView in) throws IOException {
      return AccountEvidence.read(in);
    }

    @Override
    public TypeSerializerSnapshot<AccountEvidence> snapshotConfiguration() {
      return new Snapshot();
    }

    /** No configuration. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<AccountEvidence> {
      public Snapshot() {
        super(() -> INSTANCE);
      }
    }
  }

  /** One evidence value: counts, label, and up to four recent holders with their evidence. */
  static final class OfValue extends FieldSerializer<EvidenceValue> {
    private static final long serialVersionUID = 1L;
    static final OfValue INSTANCE = new OfValue();

    @Override
    public EvidenceValue createInstance() {
      return new EvidenceValue();
    }

    @Override
    public EvidenceValue copy(EvidenceValue from) {
      return from.copy();
    }

    @Override
    public void serialize(EvidenceValue v, DataOutputView out) throws IOException {
      v.write(out);
    }

    @Override
    public EvidenceValue deserialize(DataInputView in) throws IOException {
      return EvidenceValue.read(in);
    }

    @Override
    public TypeSerializerSnapshot<EvidenceValue> snapshotConfiguration() {
      return new Snapshot();
    }

    /** No configuration. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<EvidenceValue> {
      public Snapshot() {
        super(() -> INSTANCE);
      }
    }
  }
}
