package dev.twofa.http;

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

    /** @throws IOException when the text is not one JSON object */
    public static Map<String, Object> readObject(String text) throws IOException {
        Object value = MAPPER.anyFrom(text);
        if (!(value instanceof Map<?, ?> map)) {
            throw new IOException("not a JSON object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> object = (Map<String, Object>) map;
        return object;
    }
}
