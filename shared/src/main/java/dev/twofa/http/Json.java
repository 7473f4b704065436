package dev.twofa.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/** JSON through jackson-jr: a small, reflection-light mapper that keeps the jars and cold starts lean. */
public final class Json {
    private static final JSON MAPPER = JSON.std;

    private Json() {}

    public static String write(Object value) {
        try {
            return MAPPER.asString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Exactly one JSON object and nothing after it but whitespace: no second value, no comment, no stray
     * character (jackson-jr alone reads the first value and ignores the rest, a parser differential with
     * any proxy or WAF in front of us). Duplicate keys are refused too.
     *
     * @throws IOException when the text is not exactly one JSON object
     */
    public static Map<String, Object> readObject(String text) throws IOException {
        Object value;
        try (JsonParser parser = MAPPER.createParser(text)) {
            value = MAPPER.anyFrom(parser);
            if (parser.nextToken() != null) {
                throw new IOException("content after the JSON object");
            }
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw new IOException("not a JSON object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> object = (Map<String, Object>) map;
        return object;
    }
}
