package io.purefuse.harness.mount;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.purefuse.harness.fixture.Shell;
import io.purefuse.mount.MountOptions;
import io.purefuse.session.SessionOptions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Other users on an allow_other mount: new inodes take the caller's uid and gid. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OwnershipMountTest extends MountTestSupport {

    @Override
    SessionOptions sessionOptions() {
        return new SessionOptions().mount(MountOptions.builder().allowOther(true).build());
    }

    @Test
    void newFilesBelongToTheCaller() {
        assumeTrue(Shell.has("setpriv"), "setpriv (util-linux) needed");
        shOk("chmod 777 . && mkdir -m 777 open");
        assertThat(shOk("setpriv --reuid 4321 --regid 8765 --clear-groups sh -c 'touch open/mine && mkdir open/dir'"
                + " && stat -c '%u %g' open/mine open/dir")).isEqualTo("4321 8765\n4321 8765");
        // setgid directory: new entries take the directory's group, subdirectories inherit the bit
        shOk("mkdir sg && chown 0:777 sg && chmod 2777 sg");
        assertThat(shOk("setpriv --reuid 4321 --regid 8765 --clear-groups sh -c 'touch sg/f && mkdir sg/d'"
                + " && stat -c '%g %a' sg/f sg/d")).isEqualTo("777 644\n777 2755");
    }
}
