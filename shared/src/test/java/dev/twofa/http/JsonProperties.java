package dev.twofa.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.StringLength;

/**
 * {@link Json#readObject}: exactly one JSON object and nothing after it but JSON whitespace; no comments, no
 * duplicate keys. Every other text is an {@link IOException}, which {@link ApiRequest} answers with 400.
 */
class JsonProperties {

    @Provide
    Arbitrary<Map<String, Object>> objects() {
        Arbitrary<Object> values = Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(20).map(s -> (Object) s),
                Arbitraries.integers().map(i -> (Object) i),
                Arbitraries.of(true, false).map(b -> (Object) b));
        return Arbitraries.maps(Arbitraries.strings().ofMaxLength(10), values)
                .ofMaxSize(6)
                .map(LinkedHashMap::new);
    }

    @Property
    void readObject_ofWrite_isTheObject(@ForAll("objects") Map<String, Object> object) throws IOException {
        String text = Json.write(object);

        assertThat(Json.readObject(text)).isEqualTo(object);
        assertThat(Json.readObject(" \t\r\n" + text + " \t\r\n")).isEqualTo(object);
        assertThat(Json.write(Json.readObject(text))).isEqualTo(text);
    }

    @Property
    void anythingButWhitespaceAfterTheObject_isRefused(
            @ForAll("objects") Map<String, Object> object, @ForAll @StringLength(min = 1, max = 12) String trailing) {
        Assume.that(!trailing.chars().allMatch(c -> c == ' ' || c == '\t' || c == '\r' || c == '\n'));

        assertThatThrownBy(() -> Json.readObject(Json.write(object) + trailing)).isInstanceOf(IOException.class);
    }

    @Property
    void aSecondValueOrAComment_isRefused(
            @ForAll("objects") Map<String, Object> object, @ForAll("afterwards") String afterwards) {
        String text = Json.write(object);

        assertThatThrownBy(() -> Json.readObject(text + afterwards)).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> Json.readObject(afterwards + text)).isInstanceOf(IOException.class);
    }

    @Provide
    Arbitrary<String> afterwards() {
        return Arbitraries.of(
                "{}",
                "{\"code\":\"000000\"}",
                "[]",
                "0",
                "null",
                "\"x\"",
                "// comment",
                "/* comment */",
                "#",
                "x",
                ",",
                "}",
                "\u0000",
                "\u00a0",
                "\ufeff");
    }

    @Property
    void aCommentInside_isRefused(@ForAll("objects") Map<String, Object> object) {
        String text = Json.write(object);
        String commented = "{/* c */" + text.substring(1);

        assertThatThrownBy(() -> Json.readObject(commented)).isInstanceOf(IOException.class);
    }

    @Property
    void aDuplicateKey_isRefused(
            @ForAll("objects") Map<String, Object> object,
            @ForAll @StringLength(max = 10) String key,
            @ForAll @StringLength(max = 10) String first,
            @ForAll @StringLength(max = 10) String second) {
        Map<String, Object> withoutKey = new LinkedHashMap<>(object);
        withoutKey.remove(key);
        String rest = Json.write(withoutKey);
        String pair = Json.write(Map.of(key, first));
        String again = Json.write(Map.of(key, second));
        String text = pair.substring(0, pair.length() - 1)
                + (withoutKey.isEmpty() ? "" : "," + rest.substring(1, rest.length() - 1))
                + "," + again.substring(1);

        assertThatThrownBy(() -> Json.readObject(text)).isInstanceOf(IOException.class);
    }

    @Property
    void aValueThatIsNotAnObject_isRefused(@ForAll("objects") Map<String, Object> object) {
        String text = Json.write(object);

        assertThatThrownBy(() -> Json.readObject("[" + text + "]")).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> Json.readObject(Json.write(text))).isInstanceOf(IOException.class);
    }

    @Property
    void anyText_isOneObjectOrAnIOException(@ForAll @StringLength(max = 60) String anything) {
        try {
            Map<String, Object> object = Json.readObject(anything);
            assertThat(Json.readObject(Json.write(object))).isEqualTo(object);
        } catch (IOException refused) {
            assertThat(refused).isNotNull();
        }
    }

    @Property
    void anyMangledObject_isOneObjectOrAnIOException(
            @ForAll("objects") Map<String, Object> object,
            @ForAll @StringLength(max = 4) String inserted,
            @ForAll int seed) {
        String text = Json.write(object);
        int at = Math.floorMod(seed, text.length() + 1);
        String mangled = text.substring(0, at) + inserted + text.substring(at);
        try {
            Json.readObject(mangled);
        } catch (IOException refused) {
            assertThat(refused).isNotNull();
        }
    }
}
