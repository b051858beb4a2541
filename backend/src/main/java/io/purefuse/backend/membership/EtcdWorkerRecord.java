package io.purefuse.backend.membership;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The JSON value Alluxio 3.x stores under a worker's etcd keys (its {@code WorkerServiceEntity}
 * as Gson writes it):
 *
 * <pre>{@code
 * {"Identity":{"version":1,"identifier":"<32 hex digits>"},
 *  "WorkerNetAddress":{"Host":"h","ContainerHost":"","RpcPort":29999,"DataPort":29997,
 *    "SecureRpcPort":0,"NettyDataPort":29997,"WebPort":30000,"DomainSocketPath":""},
 *  "State":"AUTHORIZED","GenerationNumber":-1,"ServiceEntityName":"worker-<uuid>"}
 * }</pre>
 *
 * <p>{@link #encode} writes exactly that field order, without spaces. {@link #decode} is strict
 * about the syntax and about what routing needs (identity, host, gRPC port) and ignores fields it
 * does not know, as Gson does, so newer workers (e.g. with {@code HttpServerPort}) still decode.
 */
public final class EtcdWorkerRecord {
  /** Gson's default (HTML-safe) writer, as Alluxio serializes with. */
  private static final Gson GSON = new Gson();

  private EtcdWorkerRecord() {}

  /** The UTF-8 JSON for {@code worker}. */
  public static byte[] encode(WorkerInfo worker) {
    WorkerIdentity id = worker.identity();
    WorkerAddress a = worker.address();
    JsonObject identity = new JsonObject();
    identity.addProperty("version", id.version());
    identity.addProperty("identifier", id.hexIdentifier());
    JsonObject address = new JsonObject();
    address.addProperty("Host", a.host());
    address.addProperty("ContainerHost", "");
    address.addProperty("RpcPort", a.rpcPort());
    address.addProperty("DataPort", a.dataPort());
    address.addProperty("SecureRpcPort", 0);
    address.addProperty("NettyDataPort", a.nettyDataPort());
    address.addProperty("WebPort", a.webPort());
    address.addProperty("DomainSocketPath", "");
    JsonObject root = new JsonObject();
    root.add("Identity", identity);
    root.add("WorkerNetAddress", address);
    root.addProperty("State", "AUTHORIZED");
    root.addProperty("GenerationNumber", -1);
    root.addProperty("ServiceEntityName", id.serviceEntityName());
    return GSON.toJson(root).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Parses a record.
   *
   * @throws IllegalArgumentException naming what is wrong, when the bytes are not UTF-8 JSON of
   *     that shape, the identity is missing or not version 1 with 16 bytes, the host is empty, a
   *     port is out of range, or {@code ServiceEntityName} names another identity
   */
  public static WorkerInfo decode(byte[] json) {
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(json)).toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("worker record is not UTF-8", e);
    }
    if (text.isBlank()) {
      throw new IllegalArgumentException("worker record is empty");
    }
    JsonElement parsed;
    try (JsonReader reader = new JsonReader(new StringReader(text))) {
      reader.setStrictness(Strictness.STRICT);
      parsed = JsonParser.parseReader(reader);
      reader.peek(); // a strict reader fails here on anything after the value
    } catch (JsonParseException | IOException | IllegalStateException e) {
      throw new IllegalArgumentException("worker record is not valid JSON: " + abbreviate(text), e);
    }
    if (!parsed.isJsonObject()) {
      throw new IllegalArgumentException("worker record is not a JSON object: " + abbreviate(text));
    }
    JsonObject root = parsed.getAsJsonObject();

    String entityName = optionalString(root, "ServiceEntityName", null);
    WorkerIdentity identity;
    JsonElement idElement = root.get("Identity");
    if (idElement != null && !idElement.isJsonNull()) {
      identity = decodeIdentity(idElement);
      if (entityName != null && !entityName.equals(identity.serviceEntityName())) {
        throw new IllegalArgumentException("worker record names " + entityName
            + " but its Identity is " + identity.serviceEntityName());
      }
    } else if (entityName != null && entityName.startsWith("worker-")) {
      // Records written before Identity existed carry the UUID only in the entity name.
      try {
        identity = WorkerIdentity.of(java.util.UUID.fromString(entityName.substring("worker-".length())));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("worker record has no Identity and ServiceEntityName "
            + entityName + " holds no UUID", e);
      }
    } else {
      throw new IllegalArgumentException("worker record has no Identity: " + abbreviate(text));
    }

    JsonElement addrElement = root.get("WorkerNetAddress");
    if (addrElement == null || !addrElement.isJsonObject()) {
      throw new IllegalArgumentException("worker record has no WorkerNetAddress object: " + abbreviate(text));
    }
    JsonObject addr = addrElement.getAsJsonObject();
    String host = optionalString(addr, "Host", "");
    if (host.isEmpty()) {
      throw new IllegalArgumentException("worker record has an empty WorkerNetAddress.Host");
    }
    int rpcPort = port(addr, "RpcPort", true);
    return new WorkerInfo(identity, new WorkerAddress(host, rpcPort,
        port(addr, "DataPort", false), port(addr, "NettyDataPort", false), port(addr, "WebPort", false)));
  }

  private static WorkerIdentity decodeIdentity(JsonElement element) {
    if (!element.isJsonObject()) {
      throw new IllegalArgumentException("worker record Identity is not an object: " + element);
    }
    JsonObject o = element.getAsJsonObject();
    JsonElement version = o.get("version");
    if (!isNumber(version) || !isInt(version.getAsJsonPrimitive())) {
      throw new IllegalArgumentException("worker record Identity.version is not an integer: " + version);
    }
    if (version.getAsInt() != WorkerIdentity.VERSION) {
      throw new IllegalArgumentException("worker record Identity.version " + version.getAsInt()
          + " is not supported (only " + WorkerIdentity.VERSION + ", a UUID)");
    }
    JsonElement identifier = o.get("identifier");
    if (identifier == null || !identifier.isJsonPrimitive() || !identifier.getAsJsonPrimitive().isString()) {
      throw new IllegalArgumentException("worker record Identity.identifier is not a string: " + identifier);
    }
    String hex = identifier.getAsString();
    if (hex.length() != 32 || !hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
      throw new IllegalArgumentException("worker record Identity.identifier is not 32 hex digits: " + hex);
    }
    return WorkerIdentity.parse(hex);
  }

  private static String optionalString(JsonObject o, String name, String absent) {
    JsonElement e = o.get(name);
    if (e == null || e.isJsonNull()) {
      return absent;
    }
    if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
      throw new IllegalArgumentException("worker record field " + name + " is not a string: " + e);
    }
    return e.getAsString();
  }

  private static int port(JsonObject o, String name, boolean required) {
    JsonElement e = o.get(name);
    if (e == null || e.isJsonNull()) {
      if (required) {
        throw new IllegalArgumentException("worker record has no WorkerNetAddress." + name);
      }
      return 0;
    }
    if (!isNumber(e) || !isInt(e.getAsJsonPrimitive())) {
      throw new IllegalArgumentException("worker record WorkerNetAddress." + name + " is not an integer: " + e);
    }
    int p = e.getAsInt();
    if (p < (required ? 1 : 0) || p > 65535) {
      throw new IllegalArgumentException("worker record WorkerNetAddress." + name + " is out of range: " + p);
    }
    return p;
  }

  private static boolean isNumber(JsonElement e) {
    return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber();
  }

  private static boolean isInt(JsonPrimitive p) {
    try {
      new java.math.BigDecimal(p.getAsString()).intValueExact();
      return true;
    } catch (ArithmeticException | NumberFormatException e) {
      return false;
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 200 ? s : s.substring(0, 200) + "...";
  }
}
