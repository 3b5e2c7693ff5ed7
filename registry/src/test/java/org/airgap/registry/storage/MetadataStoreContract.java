package org.airgap.registry.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link MetadataStore} must do; an implementation's test supplies {@link #newStore}.
 */
public abstract class MetadataStoreContract {
  protected MetadataStore store;

  protected abstract MetadataStore newStore() throws Exception;

  @BeforeEach
  void create() throws Exception {
    store = newStore();
  }

  static byte[] v(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void putGetReplaceDelete() throws Exception {
    assertThat(store.get("repositories/a/_tags/latest")).isEmpty();
    store.put("repositories/a/_tags/latest", v("sha256:1"));
    assertThat(store.get("repositories/a/_tags/latest"))
        .hasValueSatisfying(b -> assertThat(b).isEqualTo(v("sha256:1")));
    store.put("repositories/a/_tags/latest", v("sha256:2"));
    assertThat(store.get("repositories/a/_tags/latest"))
        .hasValueSatisfying(b -> assertThat(b).isEqualTo(v("sha256:2")));
    assertThat(store.exists("repositories/a/_tags/latest")).isTrue();
    assertThat(store.exists("repositories/a")).isTrue();
    assertThat(store.delete("repositories/a/_tags/latest")).isTrue();
    assertThat(store.delete("repositories/a/_tags/latest")).isFalse();
    assertThat(store.get("repositories/a/_tags/latest")).isEmpty();
  }

  @Test
  void emptyValues() throws Exception {
    store.put("repositories/a/_layers/sha256/ab", new byte[0]);
    assertThat(store.get("repositories/a/_layers/sha256/ab"))
        .hasValueSatisfying(b -> assertThat(b).isEmpty());
  }

  @Test
  void childrenAreSortedAndOneLevelDeep() throws Exception {
    store.put("repositories/b/_tags/x", v("1"));
    store.put("repositories/a/c/_tags/y", v("1"));
    store.put("repositories/a/_tags/z", v("1"));
    assertThat(store.children("repositories")).containsExactly("a", "b");
    assertThat(store.children("repositories/a")).containsExactly("_tags", "c");
    assertThat(store.children("repositories/nope")).isEmpty();
    assertThat(store.children("repositories/b/_tags/x")).isEmpty();
  }

  @Test
  void keysThatCouldEscapeAreRefused() {
    for (String bad : new String[] {"../x", "a/../b", "a//b", "/abs", "a/", ".hidden"}) {
      assertThatThrownBy(() -> store.put(bad, v("x")))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void deleteIfOnlyWhileTheValueIsExpected() throws Exception {
    store.put("repositories/a/_tags/t", v("sha256:1"));
    assertThat(store.deleteIf("repositories/a/_tags/t", v("sha256:2"))).isFalse();
    assertThat(store.get("repositories/a/_tags/t")).isPresent();
    assertThat(store.deleteIf("repositories/a/_tags/t", v("sha256:1"))).isTrue();
    assertThat(store.get("repositories/a/_tags/t")).isEmpty();
    assertThat(store.deleteIf("repositories/a/_tags/t", v("sha256:1"))).isFalse();
  }
}
