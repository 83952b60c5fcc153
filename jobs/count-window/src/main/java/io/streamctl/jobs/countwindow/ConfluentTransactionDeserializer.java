package io.streamctl.jobs.countwindow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.Conversions;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads TransactionEvents in the Confluent wire format (magic byte 0, 4-byte big-endian schema
 * id, Avro binary), the way `streamctl produce` writes them. The writer schema is fetched from
 * the registry by id (once per id) and resolved against the reader schema bundled in the jar, so
 * records written with an older or newer compatible schema still decode.
 *
 * <p>A record that is not in the wire format, or fails to decode, is skipped and counted in the
 * {@code undecodableRecords} metric: one bad record must not stop the whole job in a restart
 * loop. An unreachable registry, on the other hand, fails the job (Flink restarts it), because
 * skipping would silently lose good data.
 */
public class ConfluentTransactionDeserializer implements DeserializationSchema<Transaction> {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(ConfluentTransactionDeserializer.class);

  private final String registryUrl;

  private transient Schema readerSchema;
  private transient GenericData data;
  private transient HttpClient http;
  private transient ObjectMapper json;
  private transient Map<Integer, GenericDatumReader<GenericRecord>> readers;
  private transient BinaryDecoder decoder;
  private transient Counter undecodable;

  public ConfluentTransactionDeserializer(String registryUrl) {
    this.registryUrl = registryUrl.replaceAll("/+$", "");
  }

  @Override
  public void open(InitializationContext context) throws Exception {
    try (InputStream in = ConfluentTransactionDeserializer.class.getResourceAsStream("/transaction_event.avsc")) {
      if (in == null) throw new IllegalStateException("transaction_event.avsc is missing from the jar");
      readerSchema = new Schema.Parser().parse(in);
    }
    data = new GenericData();
    data.addLogicalTypeConversion(new Conversions.DecimalConversion());
    http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    json = new ObjectMapper();
    readers = new HashMap<>();
    undecodable = context.getMetricGroup().counter("undecodableRecords");
  }

  private GenericDatumReader<GenericRecord> readerFor(int id) throws IOException {
    GenericDatumReader<GenericRecord> reader = readers.get(id);
    if (reader != null) return reader;
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(registryUrl + "/schemas/ids/" + id))
            .header("accept", "application/vnd.schemaregistry.v1+json, application/json")
            .timeout(Duration.ofSeconds(10))
            .GET()
            .build();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while fetching schema " + id, e);
    }
    if (response.statusCode() == 404) return null;
    if (response.statusCode() != 200) {
      throw new IOException("schema registry answered HTTP " + response.statusCode() + " for schema id " + id + ": " + response.body());
    }
    JsonNode schema = json.readTree(response.body()).get("schema");
    if (schema == null) throw new IOException("schema registry answer for id " + id + " has no schema");
    Schema writer = new Schema.Parser().parse(schema.asText());
    reader = new GenericDatumReader<>(writer, readerSchema, data);
    readers.put(id, reader);
    return reader;
  }

  @Override
  public Transaction deserialize(byte[] message) throws IOException {
    if (message == null) return null;
    if (message.length < 5 || message[0] != 0) return skip("not in the Confluent wire format", null);
    int id = ByteBuffer.wrap(message, 1, 4).getInt();
    GenericDatumReader<GenericRecord> reader = readerFor(id);
    if (reader == null) return skip("unknown schema id " + id, null);
    GenericRecord r;
    try {
      decoder = DecoderFactory.get().binaryDecoder(message, 5, message.length - 5, decoder);
      r = reader.read(null, decoder);
    } catch (IOException | RuntimeException e) {
      return skip("undecodable with schema id " + id, e);
    }
    Transaction t = new Transaction();
    t.transactionId = String.valueOf(r.get("transaction_id"));
    t.eventTime = (Long) r.get("event_time");
    t.accountId = String.valueOf(r.get("account_id"));
    t.type = String.valueOf(r.get("type"));
    t.status = String.valueOf(r.get("status"));
    t.currency = String.valueOf(r.get("currency"));
    t.amount = (BigDecimal) r.get("amount");
    return t;
  }

  private Transaction skip(String why, Exception cause) {
    undecodable.inc();
    // Logged, not thrown: see the class comment. The first few are enough to diagnose.
    if (undecodable.getCount() <= 10) LOG.warn("skipping a record: {}", why, cause);
    return null;
  }

  @Override
  public boolean isEndOfStream(Transaction next) {
    return false;
  }

  @Override
  public TypeInformation<Transaction> getProducedType() {
    return TypeInformation.of(Transaction.class);
  }
}
