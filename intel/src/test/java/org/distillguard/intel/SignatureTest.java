package org.distillguard.intel;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.distillguard.intel.sign.Verification;
import org.distillguard.intel.sign.Verification.Reason;
import org.distillguard.intel.sign.Verifier;
import org.distillguard.intel.stix.Canonical;
import org.distillguard.intel.stix.Extensions;
import org.distillguard.intel.stix.Json;
import org.distillguard.intel.stix.StixIds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SignatureTest {
  final Fixture.Member a = new Fixture.Member("provider-a");
  final Fixture.Member b = new Fixture.Member("provider-b");
  final long now = Fixture.NOW;

  List<ObjectNode> objects(int n, Fixture.Member m) {
    List<ObjectNode> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ObjectNode o = Json.MAPPER.createObjectNode();
      o.put("type", "campaign")
          .put("spec_version", "2.1")
          .put("id", StixIds.of("campaign", "t", Integer.toString(i)));
      o.put("created_by_ref", m.signer.identity());
      o.put("created", "2026-11-01T00:00:00.000Z").put("modified", "2026-11-01T00:00:00.000Z");
      o.put("name", "campaign " + i + " \u00e9\u2028\"quoted\"");
      out.add(o);
    }
    return out;
  }

  Verification verify(ObjectNode o) {
    return new Verifier(List.of(a.asPeer())).verify(o, now + 1);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 7, 64, 1000})
  void everyObjectOfABatchVerifiesOnItsOwn(int n) {
    List<ObjectNode> objs = objects(n, a);
    a.signer.signBatch(objs, now, o -> now + 86_400_000);
    for (ObjectNode o : objs) {
      assertThat(verify(o)).isInstanceOf(Verification.Valid.class);
    }
  }

  @Test
  void tamperingWithContentProofOrSignatureIsForgery() {
    List<ObjectNode> objs = objects(5, a);
    a.signer.signBatch(objs, now, o -> now + 86_400_000);
    ObjectNode changed = objs.get(2).deepCopy().put("name", "other");
    assertThat(((Verification.Rejected) verify(changed)).reason()).isEqualTo(Reason.FORGED);
    ObjectNode swapped = objs.get(1).deepCopy();
    ObjectNode sig = (ObjectNode) swapped.get("extensions").get(Extensions.SIGNATURE);
    sig.set("proof", objs.get(2).get("extensions").get(Extensions.SIGNATURE).get("proof"));
    assertThat(((Verification.Rejected) verify(swapped)).reason()).isEqualTo(Reason.FORGED);
    ObjectNode later = objs.get(0).deepCopy();
    ((ObjectNode) later.get("extensions").get(Extensions.SIGNATURE))
        .put("expires", "2099-01-01T00:00:00.000Z");
    assertThat(((Verification.Rejected) verify(later)).reason()).isEqualTo(Reason.FORGED);
    ObjectNode badProof = objs.get(0).deepCopy();
    ((ArrayNode) badProof.get("extensions").get(Extensions.SIGNATURE).get("proof"))
        .add("Xnot-base64");
    assertThat(((Verification.Rejected) verify(badProof)).reason()).isEqualTo(Reason.MALFORMED);
  }

  @Test
  void anotherMembersKeyOrAnUnpinnedKeyIsRefused() {
    ObjectNode byB = objects(1, b).get(0);
    b.signer.sign(byB, now, now + 1000);
    assertThat(((Verification.Rejected) verify(byB)).reason()).isEqualTo(Reason.UNKNOWN_SIGNER);
    // B's key claiming to be A: A's identity, B's key.
    ObjectNode impostor = objects(1, a).get(0);
    new org.distillguard.intel.sign.Signer(b.key, a.signer.identity())
        .sign(impostor, now, now + 1000);
    assertThat(((Verification.Rejected) verify(impostor)).reason())
        .isEqualTo(Reason.KEY_NOT_PINNED);
  }

  @Test
  void canonicalFormSortsKeysEscapesAsJcsAndRefusesFractions() throws Exception {
    assertThat(
            Canonical.text(
                Json.MAPPER.readTree("{\"b\":1,\"a\":[true,null,\"\\u0001\\n\\u00e9\"]}")))
        .isEqualTo("{\"a\":[true,null,\"\\u0001\\n\u00e9\"],\"b\":1}");
    assertThat(Canonical.text(Json.MAPPER.readTree("{\"\u00e9\":1,\"z\":2,\"Z\":3}")))
        .isEqualTo("{\"Z\":3,\"z\":2,\"\u00e9\":1}");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> Canonical.bytes(Json.MAPPER.readTree("{\"a\":1.5}")))
        .isInstanceOf(Canonical.NotCanonicalException.class);
  }
}
