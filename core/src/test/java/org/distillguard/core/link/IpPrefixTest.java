package org.distillguard.core.link;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IpPrefixTest {
  @ParameterizedTest
  @CsvSource({
    "198.51.100.23, 198.51.100.0/24",
    "0.0.0.0, 0.0.0.0/24",
    "255.255.255.254, 255.255.255.0/24",
    "2001:db8:1:2::17, 2001:db8:1:2::/64",
    "2001:0db8:0001:0002:0000:0000:0000:0017, 2001:db8:1:2::/64",
    "::1, 0:0:0:0::/64",
    "fe80::1%eth0, fe80:0:0:0::/64",
    "2001:db8::ffff:1.2.3.4, 2001:db8:0:0::/64",
  })
  void readablePrefixOfAnAddress(String ip, String cidr) {
    assertThat(IpPrefix.primaryCidr(ip)).isEqualTo(cidr);
    assertThat(IpPrefix.primary(ip)).isNotZero();
  }

  @Test
  void addressesInOnePrefixShareItsKeyAndOthersDoNot() {
    assertThat(IpPrefix.primary("198.51.100.1")).isEqualTo(IpPrefix.primary("198.51.100.254"));
    assertThat(IpPrefix.primary("198.51.100.1")).isNotEqualTo(IpPrefix.primary("198.51.101.1"));
    assertThat(IpPrefix.primary("2001:db8:1:2::1"))
        .isEqualTo(IpPrefix.primary("2001:db8:1:2:ffff:ffff:ffff:ffff"));
    assertThat(IpPrefix.primary("2001:db8:1:2::1"))
        .isNotEqualTo(IpPrefix.primary("2001:db8:1:3::1"));
    // a /48 groups the /64s of one site
    assertThat(IpPrefix.wide("2001:db8:1:2::1")).isEqualTo(IpPrefix.wide("2001:db8:1:3::1"));
    assertThat(IpPrefix.wide("2001:db8:1:2::1")).isNotEqualTo(IpPrefix.wide("2001:db8:2:2::1"));
    assertThat(IpPrefix.wideCidr("2001:db8:1:2::1")).isEqualTo("2001:db8:1::/48");
    assertThat(IpPrefix.wide("198.51.100.1")).isZero();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "localhost",
        "example.com",
        "1.2.3",
        "1.2.3.4.5",
        "256.1.1.1",
        "1..2.3",
        "1.2.3.",
        "01234.1.1.1",
        ":",
        ":::",
        "1:2:3:4:5:6:7:8:9",
        "2001:db8::1::2",
        "12345::",
        "g::1",
        "2001:db8:1:2:3:4:5",
        "1.2.3.4:80",
        " 1.2.3.4"
      })
  void anythingButAnAddressLiteralHasNoPrefix(String s) {
    assertThat(IpPrefix.primary(s)).isZero();
    assertThat(IpPrefix.primaryCidr(s)).isNull();
  }

  @Test
  void randomStringsNeverThrow() {
    SplittableRandom r = new SplittableRandom(7);
    String alphabet = "0123456789abcdef:.%x ";
    for (int i = 0; i < 100_000; i++) {
      StringBuilder b = new StringBuilder();
      int n = r.nextInt(48);
      for (int k = 0; k < n; k++) {
        b.append(alphabet.charAt(r.nextInt(alphabet.length())));
      }
      String s = b.toString();
      long key = IpPrefix.primary(s);
      assertThat(key == 0).isEqualTo(IpPrefix.primaryCidr(s) == null);
      IpPrefix.wide(s);
    }
  }
}
