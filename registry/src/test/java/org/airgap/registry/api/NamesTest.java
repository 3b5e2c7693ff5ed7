package org.airgap.registry.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.airgap.registry.http.RoutePath;
import org.airgap.registry.http.RoutePath.Kind;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The grammars of names, tags and digests, and how paths split into route groups. */
class NamesTest {
  static final String HEX = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

  @ParameterizedTest
  @ValueSource(
      strings = {
        "a",
        "ubi9",
        "openshift/release-images",
        "olm/redhat/redhat-operator-index",
        "a.b_c__d---e/f0",
        "x/blobs/y"
      })
  void validNames(String n) {
    assertThat(RepoName.parse(n).value()).isEqualTo(n);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "", "A", "a/", "/a", "a//b", "..", "a/../b", "a/./b", "_a", "a_", "a___b", "-a", "a:b",
        "a b", "a/.b"
      })
  void invalidNames(String n) {
    assertThatThrownBy(() -> RepoName.parse(n))
        .isInstanceOfSatisfying(
            RegistryException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NAME_INVALID));
  }

  @ParameterizedTest
  @ValueSource(strings = {"latest", "v1.0.0", "_x", "4.16.0-x86_64", "sha256-abc.sig", "A_B-c.d"})
  void validTags(String t) {
    assertThat(Tag.parse(t).value()).isEqualTo(t);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", ".x", "-x", "a/b", "a:b", "a b"})
  void invalidTags(String t) {
    assertThatThrownBy(() -> Tag.parse(t))
        .isInstanceOfSatisfying(
            RegistryException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.TAG_INVALID));
  }

  @ParameterizedTest
  @CsvSource({
    "sha256:0000000000000000000000000000000000000000000000000000000000000000, true",
    "sha512:00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000, true",
    "sha256:000000000000000000000000000000000000000000000000000000000000000, false",
    "sha256:GGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGG, false",
    "sha384:000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000, false",
    ":abc, false",
    "sha256, false"
  })
  void digests(String text, boolean valid) {
    if (valid) {
      assertThat(Digest.parse(text).toString()).isEqualTo(text);
    } else {
      assertThatThrownBy(() -> Digest.parse(text)).isInstanceOf(RegistryException.class);
    }
  }

  @ParameterizedTest
  @CsvSource({
    "/v2/, BASE, '', ''",
    "/v2, BASE, '', ''",
    "/v2/_catalog, CATALOG, '', ''",
    "/v2/a/b/blobs/sha256:" + HEX + ", BLOB, a/b, sha256:" + HEX,
    "/v2/a/blobs/uploads/, UPLOADS, a, ''",
    "/v2/a/blobs/uploads, UPLOADS, a, ''",
    "/v2/a/blobs/uploads/123, UPLOAD, a, 123",
    "/v2/x/manifests/y/manifests/latest, MANIFEST, x/manifests/y, latest",
    "/v2/olm/redhat/idx/tags/list, TAGS, olm/redhat/idx, ''",
    "/v2/a/referrers/sha256:" + HEX + ", REFERRERS, a, sha256:" + HEX
  })
  void routePaths(String path, Kind kind, String name, String ref) {
    RoutePath p = RoutePath.parse(path).orElseThrow();
    assertThat(p.kind()).isEqualTo(kind);
    assertThat(p.name().map(RepoName::value).orElse("")).isEqualTo(name);
    assertThat(p.ref()).isEqualTo(ref);
  }

  @ParameterizedTest
  @ValueSource(strings = {"/", "/v1/", "/v2/a", "/v2/a/b", "/v2/a/blobs/", "/v2/a/other/x"})
  void notRoutes(String path) {
    assertThat(RoutePath.parse(path)).isEqualTo(Optional.empty());
  }
}
