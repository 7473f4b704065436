package dev.twofa.domain.otp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class KeyUriTest {

    private static final byte[] SECRET = Base32Secret.decode("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP");

    @Test
    void of_buildsTheExactKeyUriFormat() {
        assertThat(KeyUri.of("Example", "alice@example.com", SECRET, OtpPolicy.DEFAULT))
                .isEqualTo("otpauth://totp/Example:alice%40example.com"
                        + "?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Example"
                        + "&algorithm=SHA1&digits=6&period=30");
    }

    @Test
    void of_writesPolicyParameters() {
        OtpPolicy policy = new OtpPolicy(HmacAlgorithm.SHA256, 8, 60, 1, 32);

        assertThat(KeyUri.of("Acme", "bob", SECRET, policy)).endsWith("&algorithm=SHA256&digits=8&period=60");
    }

    @ParameterizedTest(name = "issuer \"{0}\", account \"{1}\"")
    @CsvSource(
            delimiter = '|',
            value = {
                "Example Corp|alice smith",
                "Ærø Bank|jörg@example.com",
                "Tom & Jerry|a=b&c=d",
                "A+B/C|x+y/z@example.com",
                "100% Pure|%41%3A",
                "東京銀行|ユーザー",
                "Q?ue#ry|hash#tag?",
                "Emoji 🔐|tab\ttab"
            })
    void of_encodesLabelAndIssuer_soTheyParseBackExactly(String issuer, String account) {
        String uri = KeyUri.of(issuer, account, SECRET, OtpPolicy.DEFAULT);

        URI parsed = URI.create(uri);
        assertThat(parsed.getScheme()).isEqualTo("otpauth");
        assertThat(parsed.getHost()).isEqualTo("totp");
        // getPath() percent-decodes as UTF-8; the ':' separator is literal and the only one.
        assertThat(parsed.getPath()).isEqualTo("/" + issuer + ":" + account);
        assertThat(parsed.getRawPath()).containsOnlyOnce(":");
        Map<String, String> query = query(parsed.getRawQuery());
        assertThat(query)
                .containsExactly(
                        Map.entry("secret", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"),
                        Map.entry("issuer", issuer),
                        Map.entry("algorithm", "SHA1"),
                        Map.entry("digits", "6"),
                        Map.entry("period", "30"));
        // The issuer parameter is encoded exactly like the label prefix.
        String rawLabel = parsed.getRawPath().substring(1);
        assertThat(uri).contains("&issuer=" + rawLabel.substring(0, rawLabel.indexOf(':')) + "&");
        // Spaces as %20, never '+': apps show a '+' literally. The URI is pure ASCII.
        assertThat(uri).doesNotContain("+").doesNotContain(" ").matches("\\p{ASCII}+");
    }

    @Test
    void of_encodesSpaceAsPercent20() {
        assertThat(KeyUri.of("Example Corp", "alice smith", SECRET, OtpPolicy.DEFAULT))
                .startsWith("otpauth://totp/Example%20Corp:alice%20smith?")
                .contains("&issuer=Example%20Corp&");
    }

    @Test
    void of_encodesNonAsciiAsUtf8() {
        assertThat(KeyUri.of("Ærø Bank", "jörg@example.com", SECRET, OtpPolicy.DEFAULT))
                .startsWith("otpauth://totp/%C3%86r%C3%B8%20Bank:j%C3%B6rg%40example.com?");
    }

    @Test
    void of_encodesReservedCharacters() {
        assertThat(KeyUri.of("A&B=C+D/E", "x", SECRET, OtpPolicy.DEFAULT))
                .startsWith("otpauth://totp/A%26B%3DC%2BD%2FE:x?")
                .contains("&issuer=A%26B%3DC%2BD%2FE&");
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"Evil:Corp", ":", "Corp:", "", " ", "\t"})
    void of_rejectsIssuerWithColonOrBlank(String issuer) {
        assertThatThrownBy(() -> KeyUri.of(issuer, "alice", SECRET, OtpPolicy.DEFAULT))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"alice:admin", ":", "", "  "})
    void of_rejectsAccountWithColonOrBlank(String account) {
        assertThatThrownBy(() -> KeyUri.of("Example", account, SECRET, OtpPolicy.DEFAULT))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void of_rejectsNulls() {
        assertThatThrownBy(() -> KeyUri.of(null, "a", SECRET, OtpPolicy.DEFAULT))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> KeyUri.of("i", null, SECRET, OtpPolicy.DEFAULT))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> KeyUri.of("i", "a", null, OtpPolicy.DEFAULT)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> KeyUri.of("i", "a", SECRET, null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void of_rejectsSecretBelow112Bits() {
        assertThatThrownBy(() -> KeyUri.of("i", "a", new byte[13], OtpPolicy.DEFAULT))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static Map<String, String> query(String rawQuery) {
        Map<String, String> params = new LinkedHashMap<>();
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            // URLDecoder is safe here because the encoder never emits '+'; a literal '+' arrives as %2B.
            params.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return params;
    }
}
