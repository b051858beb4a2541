package io.purefuse.wire.init;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.purefuse.wire.InitFlags;
import org.junit.jupiter.api.Test;

class NegotiatedInitCodecTest {

    @Test
    void roundTripKeepsEveryField() {
        NegotiatedInit n = InitNegotiation.negotiate(7, 45, 131072, 0x73fffffbL | (0x5fdL << 32),
                new InitOptions());
        NegotiatedInit back = NegotiatedInitCodec.fromHex(NegotiatedInitCodec.toHex(n));
        assertThat(back.ok()).isTrue();
        assertThat(back.major()).isEqualTo(n.major());
        assertThat(back.minor()).isEqualTo(n.minor());
        assertThat(back.offeredFlags()).isEqualTo(n.offeredFlags());
        assertThat(back.flags()).isEqualTo(n.flags());
        assertThat(back.has(InitFlags.INIT_EXT)).isTrue();
        assertThat(back.maxReadahead()).isEqualTo(n.maxReadahead());
        assertThat(back.maxWrite()).isEqualTo(n.maxWrite());
        assertThat(back.maxPages()).isEqualTo(n.maxPages());
        assertThat(back.maxBackground()).isEqualTo(n.maxBackground());
        assertThat(back.congestionThreshold()).isEqualTo(n.congestionThreshold());
        assertThat(back.timeGran()).isEqualTo(n.timeGran());
        assertThat(back.maxStackDepth()).isEqualTo(n.maxStackDepth());
        assertThat(back.requestTimeout()).isEqualTo(n.requestTimeout());
        assertThat(back.mapAlignment()).isEqualTo(n.mapAlignment());
    }

    @Test
    void refusesGarbageAndUnfinishedNegotiations() {
        assertThatThrownBy(() -> NegotiatedInitCodec.fromHex("00112233")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NegotiatedInitCodec.decode(new byte[NegotiatedInitCodec.SIZE]))
                .hasMessageContaining("magic");
        NegotiatedInit older = InitNegotiation.negotiate(6, 1, 0, 0, new InitOptions());
        assertThatThrownBy(() -> NegotiatedInitCodec.encode(older)).isInstanceOf(IllegalArgumentException.class);
    }
}
