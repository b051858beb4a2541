package io.purefuse.backend.membership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EtcdWorkerRecordTest {
  /** A value as an Alluxio 3.x worker writes it (Gson, field order of WorkerServiceEntity). */
  static final String ALLUXIO_FORM = "{\"Identity\":{\"version\":1,\"identifier\":\"cb157baaafe04b988af01a4645d38456\"},"
      + "\"WorkerNetAddress\":{\"Host\":\"192.168.4.36\",\"ContainerHost\":\"\",\"RpcPort\":29999,"
      + "\"DataPort\":29997,\"SecureRpcPort\":0,\"NettyDataPort\":29997,\"WebPort\":30000,\"DomainSocketPath\":\"\"},"
      + "\"State\":\"AUTHORIZED\",\"GenerationNumber\":-1,"
      + "\"ServiceEntityName\":\"worker-cb157baa-afe0-4b98-8af0-1a4645d38456\"}";

  static final WorkerInfo WORKER = new WorkerInfo(
      WorkerIdentity.of(UUID.fromString("cb157baa-afe0-4b98-8af0-1a4645d38456")),
      new WorkerAddress("192.168.4.36", 29999, 29997, 29997, 30000));

  @Test
  void encodesExactlyAsAlluxio() {
    assertThat(new String(EtcdWorkerRecord.encode(WORKER), StandardCharsets.UTF_8)).isEqualTo(ALLUXIO_FORM);
  }

  @Test
  void decodesAlluxioForm() {
    WorkerInfo w = EtcdWorkerRecord.decode(ALLUXIO_FORM.getBytes(StandardCharsets.UTF_8));
    assertThat(w).isEqualTo(WORKER);
    assertThat(w.identity().hexIdentifier()).isEqualTo("cb157baaafe04b988af01a4645d38456");
  }

  @Test
  void roundTripsIpv6AndZeroPorts() {
    WorkerInfo w = new WorkerInfo(WorkerIdentity.random(), WorkerAddress.rpc("::1", 40001));
    byte[] json = EtcdWorkerRecord.encode(w);
    assertThat(new String(json, StandardCharsets.UTF_8))
        .contains("\"Host\":\"::1\",\"ContainerHost\":\"\",\"RpcPort\":40001,\"DataPort\":0,");
    assertThat(EtcdWorkerRecord.decode(json)).isEqualTo(w);
  }

  @Test
  void ignoresFieldsItDoesNotKnow() {
    String newer = ALLUXIO_FORM.replace("\"DomainSocketPath\":\"\"}", "\"DomainSocketPath\":\"\",\"HttpServerPort\":28080}")
        .replace("\"State\"", "\"Extra\":{\"a\":[1,2,{}]},\"State\"");
    assertThat(EtcdWorkerRecord.decode(newer.getBytes(StandardCharsets.UTF_8))).isEqualTo(WORKER);
  }

  @Test
  void recordWithoutIdentityTakesItFromTheEntityName() {
    String old = ALLUXIO_FORM.replace("\"Identity\":{\"version\":1,\"identifier\":\"cb157baaafe04b988af01a4645d38456\"},", "");
    assertThat(EtcdWorkerRecord.decode(old.getBytes(StandardCharsets.UTF_8))).isEqualTo(WORKER);
  }

  @Test
  void rejectsMalformedRecordsWithTheReason() {
    assertBad("", "empty");
    assertBad("null", "not a JSON object");
    assertBad("{\"Identity\":", "not valid JSON");
    assertBad(ALLUXIO_FORM + "x", "not valid JSON");
    assertBad(ALLUXIO_FORM + " {}", "not valid JSON");
    assertBad(ALLUXIO_FORM.replace("\"State\"", "State"), "not valid JSON"); // lenient-only syntax
    assertBad("{'Identity':{}}", "not valid JSON");
    assertBad("[1]", "not a JSON object");
    assertBad("{\"WorkerNetAddress\":{\"Host\":\"h\",\"RpcPort\":1}}", "no Identity");
    assertBad(ALLUXIO_FORM.replace("\"version\":1", "\"version\":0"), "version 0 is not supported");
    assertBad(ALLUXIO_FORM.replace("\"version\":1", "\"version\":\"1\""), "Identity.version is not an integer");
    assertBad(ALLUXIO_FORM.replace("cb157baaafe04b988af01a4645d38456", "cb157baa"), "not 32 hex digits");
    assertBad(ALLUXIO_FORM.replace("cb157baaafe04b988af01a4645d38456", "zb157baaafe04b988af01a4645d38456"), "not 32 hex digits");
    assertBad(ALLUXIO_FORM.replace("worker-cb157baa", "worker-db157baa"), "but its Identity is");
    assertBad(ALLUXIO_FORM.replace("\"Host\":\"192.168.4.36\"", "\"Host\":\"\""), "empty WorkerNetAddress.Host");
    assertBad(ALLUXIO_FORM.replace("\"Host\":\"192.168.4.36\"", "\"Host\":7"), "Host is not a string");
    assertBad(ALLUXIO_FORM.replace("\"RpcPort\":29999,", ""), "no WorkerNetAddress.RpcPort");
    assertBad(ALLUXIO_FORM.replace("\"RpcPort\":29999", "\"RpcPort\":0"), "RpcPort is out of range");
    assertBad(ALLUXIO_FORM.replace("\"RpcPort\":29999", "\"RpcPort\":65536"), "RpcPort is out of range");
    assertBad(ALLUXIO_FORM.replace("\"WebPort\":30000", "\"WebPort\":30000.5"), "WebPort is not an integer");
    assertBad(ALLUXIO_FORM.replace(",\"WorkerNetAddress\":{", ",\"WorkerNetAddres\":{"), "no WorkerNetAddress");
    assertThatThrownBy(() -> EtcdWorkerRecord.decode(new byte[] {'{', (byte) 0xff, '}'}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not UTF-8");
  }

  private static void assertBad(String json, String reason) {
    assertThatThrownBy(() -> EtcdWorkerRecord.decode(json.getBytes(StandardCharsets.UTF_8)))
        .as(json)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(reason);
  }
}
