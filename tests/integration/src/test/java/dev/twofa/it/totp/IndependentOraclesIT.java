package dev.twofa.it.totp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.twofa.it.support.Api;
import dev.twofa.it.support.Enrollment;
import dev.twofa.it.support.TestApp;
import dev.twofa.it.support.Tool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What the user's phone would do, done by tools we did not write: zbarimg scans the QR code shown
 * at activation, oathtool (an independent RFC 6238 implementation) computes the code from the
 * scanned URI's secret, and the service accepts it.
 */
class IndependentOraclesIT {
    private final TestApp app = new TestApp();
    private final String user = "user-" + UUID.randomUUID();

    @Test
    void qrScannedByZbarimg_andCodeFromOathtool_enableTheFactor() throws IOException {
        String token = Enrollment.startAndReadToken(app, user);
        Map<String, Object> shown = Api.body(Enrollment.activate(app, user, token));
        String dataUri = (String) shown.get("qrCodePng");
        Path png = Files.createTempFile("twofa-qr-", ".png");
        try {
            Files.write(png, Base64.getDecoder().decode(dataUri.substring("data:image/png;base64,".length())));
            String scanned = Tool.run("zbarimg", "--raw", "--quiet", png.toString());
            assertThat(scanned).isEqualTo(shown.get("otpauthUri"));

            String secret = scanned.replaceAll(".*[?&]secret=([A-Z2-7]+).*", "$1");
            assertThat(secret).isEqualTo(shown.get("secret"));
            String code = Tool.run(
                    "oathtool",
                    "--totp",
                    "--base32",
                    "--now",
                    "@" + app.clock.instant().getEpochSecond(),
                    secret);
            assertThat(code).matches("[0-9]{6}");

            assertThat(Enrollment.confirm(app, user, code).getStatusCode()).isEqualTo(200);
        } finally {
            Files.deleteIfExists(png);
        }
    }
}
