package io.purefuse.harness.fault;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.purefuse.wire.Opcode;
import org.junit.jupiter.api.Test;

/** The counter itself must see a missing, a duplicate and an unsolicited reply. */
class ReplyCounterTest {
    private static ByteBuf request(Opcode op, long unique) {
        ByteBuf b = Unpooled.buffer(40);
        b.writeIntLE(40).writeIntLE(op.code()).writeLongLE(unique).writeLongLE(1).writeZero(16);
        return b;
    }

    private static ByteBuf reply(long unique) {
        ByteBuf b = Unpooled.buffer(16);
        b.writeIntLE(16).writeIntLE(0).writeLongLE(unique);
        return b;
    }

    @Test
    void findsEveryDeviation() {
        ReplyCounter c = new ReplyCounter();
        c.read(request(Opcode.GETATTR, 2));
        c.written(reply(2), null);          // fine
        c.read(request(Opcode.LOOKUP, 4));  // never answered
        c.read(request(Opcode.READ, 6));
        c.written(reply(6), null);
        c.written(reply(6), null);          // answered twice
        c.read(request(Opcode.FORGET, 8));
        c.written(reply(8), null);          // FORGET must get none
        c.read(request(Opcode.INTERRUPT, 11)); // fine: no reply
        c.written(reply(0), null);          // a notification: ignored
        c.written(reply(40), null);         // never read
        c.read(Unpooled.buffer(8).writeZero(8));
        assertThat(c.unanswered()).isEqualTo(1);
        assertThat(c.tooShort()).isEqualTo(1);
        assertThat(c.problems()).hasSize(4).anyMatch(p -> p.startsWith("unique 4 (LOOKUP"))
                .anyMatch(p -> p.startsWith("unique 6 (READ")).anyMatch(p -> p.startsWith("unique 8 (FORGET"))
                .anyMatch(p -> p.startsWith("unique 40:"));
    }
}
