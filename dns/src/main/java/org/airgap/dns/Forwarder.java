package org.airgap.dns;

import java.util.Optional;
import java.util.function.Consumer;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;

/** Answers questions outside airgap's zones by asking upstream servers. */
interface Forwarder extends AutoCloseable {
  /** Whether some upstream takes names like {@code name}. */
  boolean handles(Name name);

  /**
   * Asks the upstreams; {@code done} gets their response, or empty when none answered in time. It
   * may run on any thread, at most once.
   */
  void forward(Record question, Consumer<Optional<Message>> done);

  @Override
  void close();
}
