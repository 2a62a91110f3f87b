// A partner agency's sync in Java 11+ with java.net.http only (docs/partners.md). Single file, no dependencies:
//
//     TANFANG_KEY=tfk_... java Sync.java
//
// Sends a batch of the disability federation's certificates as a dry run, then for real if the dry run rejected
// nothing, then mirrors the change feed to its end. TANFANG_API (default http://localhost:4000/graphql),
// TANFANG_BATCH_KEY (the batch's idempotency key), TANFANG_CURSOR_FILE (default .tanfang-cursor: the feed's
// endCursor between runs). A real system would use its JSON library (Jackson, Gson); a tiny reader is included here
// so that the file runs as it is.
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

public class Sync {
  static final String API = env("TANFANG_API", "http://localhost:4000/graphql");
  static final String KEY = System.getenv("TANFANG_KEY");
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  static final String SYNC = "mutation Sync($batch: DisabilityCertificateBatch!) { syncDisabilityCertificates(batch: $batch) {"
      + " batchId dryRun replayed received created updated unchanged rejected conflicts"
      + " results { externalId status match elderId candidateId errors { field messageEn } } } }";
  static final String CHANGES = "query Changes($since: String, $first: Int) {"
      + " changes(since: $since, first: $first) { endCursor hasMore entries { seq entity entityId elderId op } } }";

  // The person of the guide: a demo elder (fixed ID number), so the real run matches her archive.
  static final String RECORDS = "[{\"externalId\":\"CDPF-DEMO-0001\",\"idNumber\":\"440783194605080023\","
      + "\"certificateNumber\":\"44078319460508002342\",\"category\":\"PHYSICAL\",\"grade\":2,\"issuedOn\":\"2026-10-01\"}]";

  public static void main(String[] args) throws Exception {
    if (KEY == null || KEY.isBlank()) {
      System.err.println("Set TANFANG_KEY to the agency's API key (tfk_...)");
      System.exit(2);
    }
    String key = env("TANFANG_BATCH_KEY", "cdpf-java-" + LocalDate.now());
    String batch = "{\"idempotencyKey\":" + quote(key) + ",\"records\":" + RECORDS;

    Map<String, Object> dry = obj(call(SYNC, "{\"batch\":" + batch + ",\"dryRun\":true}}").get("syncDisabilityCertificates"));
    System.out.println("dry run: " + summary(dry));
    List<String> matches = new ArrayList<>();
    for (Object o : (List<?>) dry.get("results")) {
      Map<String, Object> r = obj(o);
      matches.add((String) r.get("match"));
      StringBuilder errors = new StringBuilder();
      for (Object e : (List<?>) r.get("errors")) errors.append(" [").append(obj(e).get("field")).append(": ").append(obj(e).get("messageEn")).append("]");
      System.out.println("  " + r.get("externalId") + ": " + r.get("status") + " " + r.get("match") + errors);
    }

    Map<String, Object> real = null;
    if (num(dry, "rejected") == 0 && num(dry, "conflicts") == 0) {
      real = obj(call(SYNC, "{\"batch\":" + batch + "}}").get("syncDisabilityCertificates"));
      System.out.println("real run: " + summary(real) + " batch " + (real.get("batchId") == null ? "replayed" : real.get("batchId")));
    } else {
      System.out.println("the dry run found problems: fix the records above and run again (nothing was written)");
    }

    Path cursorFile = Path.of(env("TANFANG_CURSOR_FILE", ".tanfang-cursor"));
    String since = Files.exists(cursorFile) ? Files.readString(cursorFile).trim() : null;
    if (since != null && since.isEmpty()) since = null;
    int entries = 0;
    while (true) {
      Map<String, Object> page = obj(call(CHANGES, "{\"since\":" + (since == null ? "null" : quote(since)) + ",\"first\":1000}").get("changes"));
      entries += ((List<?>) page.get("entries")).size();
      // A real system updates its copy here (read ELDER entries through agencyElders, drop one on LEAVE).
      if (page.get("endCursor") != null) since = (String) page.get("endCursor");
      if (!Boolean.TRUE.equals(page.get("hasMore"))) break;
    }
    if (since != null) Files.writeString(cursorFile, since);
    System.out.println("change feed: " + entries + " entries, endCursor " + since);
    System.out.println("{\"dryRunCreated\":" + num(dry, "created") + ",\"dryRunMatches\":" + quote(String.join(",", matches))
        + ",\"realCreated\":" + (real == null ? "null" : num(real, "created")) + ",\"changes\":" + entries + "}");
  }

  /** One GraphQL request; retries a 503 (database restarting) after its Retry-After; exits on the first error. */
  static Map<String, Object> call(String query, String variablesJson) throws Exception {
    String body = "{\"query\":" + quote(query) + ",\"variables\":" + variablesJson + "}";
    for (int attempt = 1; ; attempt++) {
      HttpRequest req = HttpRequest.newBuilder(URI.create(API))
          .timeout(Duration.ofSeconds(60))
          .header("Content-Type", "application/json")
          .header("Authorization", "Bearer " + KEY)
          .header("Accept-Language", "en")
          .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
          .build();
      HttpResponse<String> res = HTTP.send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      if (res.statusCode() == 503 && attempt < 5) {
        Thread.sleep(1000L * Long.parseLong(res.headers().firstValue("Retry-After").orElse("5")));
        continue;
      }
      Map<String, Object> json = obj(new Json(res.body()).value());
      if (json.get("errors") != null) {
        Map<String, Object> error = obj(((List<?>) json.get("errors")).get(0));
        Object ext = error.get("extensions");
        String code = ext == null ? "UNKNOWN" : String.valueOf(obj(ext).get("code"));
        System.err.println(code + ": " + error.get("message"));
        System.exit(1);
      }
      return obj(json.get("data"));
    }
  }

  static String summary(Map<String, Object> a) {
    return "received " + num(a, "received") + ", created " + num(a, "created") + ", updated " + num(a, "updated")
        + ", unchanged " + num(a, "unchanged") + ", rejected " + num(a, "rejected") + ", conflicts " + num(a, "conflicts");
  }

  static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isEmpty() ? fallback : v;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> obj(Object o) {
    return (Map<String, Object>) o;
  }

  static long num(Map<String, Object> m, String k) {
    return ((Number) m.get(k)).longValue();
  }

  static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') b.append('\\').append(c);
      else if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
      else b.append(c);
    }
    return b.append('"').toString();
  }

  /** A minimal JSON reader (objects, arrays, strings, numbers, true/false/null): enough for the API's answers. */
  static final class Json {
    private final String s;
    private int i;

    Json(String s) {
      this.s = s;
    }

    Object value() {
      skip();
      char c = s.charAt(i);
      if (c == '{') {
        Map<String, Object> m = new LinkedHashMap<>();
        i++;
        skip();
        if (s.charAt(i) == '}') { i++; return m; }
        while (true) {
          skip();
          String k = string();
          skip();
          i++; // ':'
          m.put(k, value());
          skip();
          if (s.charAt(i++) == '}') return m;
        }
      }
      if (c == '[') {
        List<Object> l = new ArrayList<>();
        i++;
        skip();
        if (s.charAt(i) == ']') { i++; return l; }
        while (true) {
          l.add(value());
          skip();
          if (s.charAt(i++) == ']') return l;
        }
      }
      if (c == '"') return string();
      if (s.startsWith("true", i)) { i += 4; return Boolean.TRUE; }
      if (s.startsWith("false", i)) { i += 5; return Boolean.FALSE; }
      if (s.startsWith("null", i)) { i += 4; return null; }
      int start = i;
      while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) i++;
      return Double.parseDouble(s.substring(start, i));
    }

    private String string() {
      StringBuilder b = new StringBuilder();
      i++; // opening quote
      while (true) {
        char c = s.charAt(i++);
        if (c == '"') return b.toString();
        if (c != '\\') { b.append(c); continue; }
        char e = s.charAt(i++);
        switch (e) {
          case 'n': b.append('\n'); break;
          case 't': b.append('\t'); break;
          case 'r': b.append('\r'); break;
          case 'b': b.append('\b'); break;
          case 'f': b.append('\f'); break;
          case 'u': b.append((char) Integer.parseInt(s.substring(i, i + 4), 16)); i += 4; break;
          default: b.append(e);
        }
      }
    }

    private void skip() {
      while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
    }
  }
}
