package io.purefuse.worker.auth;

import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The channels that logged in, by channel id (the {@code clientId} of the SASL exchange, sent
 * later as {@code channel-id} metadata), with the user each authenticated as. A channel stays
 * registered while its authentication stream is open. Thread safe.
 */
public final class AuthenticatedChannels {
  private final Map<UUID, String> users = new ConcurrentHashMap<>();

  void register(UUID channelId, String user) {
    users.put(channelId, user);
  }

  void unregister(UUID channelId) {
    users.remove(channelId);
  }

  /** The user of an authenticated channel. */
  public Optional<String> userOf(UUID channelId) {
    return Optional.ofNullable(users.get(channelId));
  }

  /** Number of channels logged in now. */
  public int size() {
    return users.size();
  }
}
