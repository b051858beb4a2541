package io.purefuse.vfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.purefuse.mount.MountOptions;
import java.util.List;
import org.junit.jupiter.api.Test;

/** allow_other is opt-in and brings default_permissions with it unless refused by name. */
class FuseMountOptionsSecurityTest {
    private static MountOptions parse(String o) {
        return FuseMountOptions.parse(List.of(o)).mountOptions();
    }

    @Test
    void allowOtherIsOffByDefault() {
        MountOptions m = FuseMountOptions.parse(List.of()).mountOptions();
        assertThat(m.allowOther()).isFalse();
        assertThat(m.defaultPermissions()).isFalse();
    }

    @Test
    void allowOtherImpliesDefaultPermissions() {
        MountOptions m = parse("allow_other");
        assertThat(m.allowOther()).isTrue();
        assertThat(m.defaultPermissions()).isTrue();
    }

    @Test
    void noDefaultPermissionsRefusesTheImpliedChecks() {
        MountOptions m = parse("allow_other,no_default_permissions");
        assertThat(m.allowOther()).isTrue();
        assertThat(m.defaultPermissions()).isFalse();
        assertThat(m.toString()).doesNotContain("no_default_permissions");
    }

    @Test
    void contradictoryPermissionOptionsFail() {
        assertThatThrownBy(() -> parse("default_permissions,no_default_permissions"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("contradict");
        assertThatThrownBy(() -> parse("no_default_permissions=1")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void defaultPermissionsAloneStillWorks() {
        assertThat(parse("default_permissions").defaultPermissions()).isTrue();
        assertThat(parse("default_permissions").allowOther()).isFalse();
    }
}
