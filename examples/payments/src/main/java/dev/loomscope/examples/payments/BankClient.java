package dev.loomscope.examples.payments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The service's outbound calls to the bank, with the JDK's {@link HttpClient} in its blocking form: on a virtual
 * thread, {@code send} parks until the response arrives (the client's own selector thread does the I/O), which is the
 * cheap kind of blocking virtual threads are for.
 */
public final class BankClient {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private final HttpClient http;
    private final URI base;
    private final ObjectMapper json;

    public BankClient(URI base, ObjectMapper json) {
        this.base = base;
        this.json = json;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2))
                .build();
    }

    /** Asks the issuer to authorise; returns its auth code. */
    public String authorize(String paymentId, String payer, long amountCents, String currency)
            throws IOException, InterruptedException {
        String body = "{\"paymentId\":\"" + paymentId + "\",\"payer\":\"" + payer + "\",\"amountCents\":" + amountCents
                + ",\"currency\":\"" + currency + "\"}";
        JsonNode answer = json.readTree(post("/authorize", body, 200));
        if (!answer.path("approved").asBoolean()) {
            throw new IOException("bank declined " + paymentId);
        }
        return answer.path("authCode").asText();
    }

    /** The EUR value of one unit of {@code currency} on {@code day} (ISO date): one HTTP round trip. */
    public double eurRate(String currency, String day) throws IOException, InterruptedException {
        if (currency.equals("EUR")) {
            return 1.0;
        }
        HttpRequest request = HttpRequest.newBuilder(base.resolve("/fx?ccy=" + currency + "&day=" + day))
                .timeout(TIMEOUT).GET().build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("fx " + currency + " " + day + ": HTTP " + response.statusCode());
        }
        return json.readTree(response.body()).path("eur").asDouble();
    }

    /** Reports the settlement account's balance to the bank's treasury. */
    public void reportSettlement(long balanceCents) throws IOException, InterruptedException {
        post("/settlement", "{\"balanceCents\":" + balanceCents + "}", 204);
    }

    /** Delivers one payment event to the merchant's webhook endpoint. */
    public void deliverWebhook(String eventJson) throws IOException, InterruptedException {
        post("/webhooks", eventJson, 204);
    }

    private String post(String path, String body, int expected) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path))
                .timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != expected) {
            throw new IOException("bank " + path + ": HTTP " + response.statusCode());
        }
        return response.body();
    }
}
