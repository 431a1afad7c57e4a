package org.distillguard.flink;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.distillguard.core.detect.AccountDetector;
import org.distillguard.core.detect.DetectorConfig;
import org.distillguard.core.detect.ScoringModel;

/**
 * An account's detector state in Flink keyed state: the core's own snapshot bytes ({@link
 * AccountDetector#snapshot}, versioned, about 650 bytes). With the heap state backend the account
 * stays a live object between requests (bytes only in checkpoints); with RocksDB it goes through
 * these bytes on every access, as any RocksDB state does.
 */
final class AccountSerializer extends TypeSerializerSingleton<AccountDetector.Account> {
  private static final long serialVersionUID = 1L;
  static final AccountSerializer INSTANCE = new AccountSerializer();
  static final SerializerTypeInfo<AccountDetector.Account> TYPE =
      new SerializerTypeInfo<>(AccountDetector.Account.class, () -> INSTANCE);

  private static final AccountDetector BLANK =
      new AccountDetector(DetectorConfig.defaults(), ScoringModel.shipped());

  @Override
  public boolean isImmutableType() {
    return false;
  }

  @Override
  public AccountDetector.Account createInstance() {
    return BLANK.newAccount();
  }

  @Override
  public AccountDetector.Account copy(AccountDetector.Account from) {
    return AccountDetector.restore(AccountDetector.snapshot(from));
  }

  @Override
  public AccountDetector.Account copy(AccountDetector.Account from, AccountDetector.Account reuse) {
    return copy(from);
  }

  @Override
  public int getLength() {
    return -1;
  }

  @Override
  public void serialize(AccountDetector.Account record, DataOutputView target) throws IOException {
    byte[] b = AccountDetector.snapshot(record);
    target.writeInt(b.length);
    target.write(b);
  }

  @Override
  public AccountDetector.Account deserialize(DataInputView source) throws IOException {
    byte[] b = new byte[source.readInt()];
    source.readFully(b);
    return AccountDetector.restore(b);
  }

  @Override
  public AccountDetector.Account deserialize(AccountDetector.Account reuse, DataInputView source)
      throws IOException {
    return deserialize(source);
  }

  @Override
  public void copy(DataInputView source, DataOutputView target) throws IOException {
    int n = source.readInt();
    target.writeInt(n);
    target.write(source, n);
  }

  @Override
  public TypeSerializerSnapshot<AccountDetector.Account> snapshotConfiguration() {
    return new Snapshot();
  }

  /** The serializer has no configuration; the bytes carry their own format version. */
  public static final class Snapshot extends SimpleTypeSerializerSnapshot<AccountDetector.Account> {
    public Snapshot() {
      super(() -> INSTANCE);
    }
  }
}
