package dev.twofa.domain.otp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.DecodeHintType;
import com.google.zxing.MultiFormatReader;
import com.google.zxing.NotFoundException;
import com.google.zxing.Result;
import com.google.zxing.client.j2se.BufferedImageLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class QrCodeTest {

    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    private static final String KEY_URI = KeyUri.of(
            "Ærø Bank",
            "jörg@example.com",
            new SecretGenerator(new SecureRandom()).newSecret(OtpPolicy.DEFAULT),
            OtpPolicy.DEFAULT);

    @ParameterizedTest(name = "scale {0}")
    @ValueSource(ints = {2, 4, 7})
    void png_roundTripsThroughAQrDecoder(int scale) throws Exception {
        byte[] png = QrCode.png(KEY_URI, scale);

        assertThat(decode(png, Map.of(DecodeHintType.TRY_HARDER, Boolean.TRUE)).getText())
                .isEqualTo(KEY_URI);
    }

    @Test
    void png_atOnePixelPerModule_isAnExactSymbol() throws Exception {
        // One pixel per module is too small for zxing's camera-style detector, but PURE_BARCODE reads the bitmap
        // module by module, which proves every module is in the right place.
        byte[] png = QrCode.png(KEY_URI, 1);

        assertThat(decode(png, Map.of(DecodeHintType.PURE_BARCODE, Boolean.TRUE))
                        .getText())
                .isEqualTo(KEY_URI);
    }

    @Test
    void png_startsWithPngSignature_andHasValidChunks() {
        byte[] png = QrCode.png(KEY_URI, 4);

        assertThat(png).startsWith(PNG_SIGNATURE);
        ByteBuffer buffer = ByteBuffer.wrap(png, PNG_SIGNATURE.length, png.length - PNG_SIGNATURE.length);
        StringBuilder chunkTypes = new StringBuilder();
        while (buffer.hasRemaining()) {
            int length = buffer.getInt();
            byte[] typeAndData = new byte[4 + length];
            buffer.get(typeAndData);
            CRC32 crc = new CRC32();
            crc.update(typeAndData);
            assertThat(buffer.getInt()).isEqualTo((int) crc.getValue());
            chunkTypes
                    .append(new String(typeAndData, 0, 4, StandardCharsets.US_ASCII))
                    .append(' ');
        }
        assertThat(chunkTypes.toString().trim()).isEqualTo("IHDR IDAT IEND");
    }

    @Test
    void png_isScaledModules_withFourModuleQuietZone() throws IOException {
        int scale = 3;
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(QrCode.png(KEY_URI, scale)));

        assertThat(image.getWidth()).isEqualTo(image.getHeight());
        assertThat(image.getWidth() % scale).isZero();
        int modules = image.getWidth() / scale;
        // Version v has 17 + 4v modules per side, plus 4 quiet modules each side.
        assertThat((modules - 8 - 17) % 4).isZero();
        int quiet = 4 * scale;
        for (int i = 0; i < image.getWidth(); i++) {
            for (int q = 0; q < quiet; q++) {
                assertThat(isWhite(image, i, q)).isTrue();
                assertThat(isWhite(image, q, i)).isTrue();
                assertThat(isWhite(image, i, image.getHeight() - 1 - q)).isTrue();
                assertThat(isWhite(image, image.getWidth() - 1 - q, i)).isTrue();
            }
        }
        // The top-left finder pattern starts right after the quiet zone with a dark module.
        assertThat(isWhite(image, quiet, quiet)).isFalse();
    }

    @Test
    void png_encodesNonAsciiText() throws Exception {
        String text = "Ærø Bank – jörg";

        assertThat(decode(QrCode.png(text, 4), Map.of(DecodeHintType.TRY_HARDER, Boolean.TRUE))
                        .getText())
                .isEqualTo(text);
    }

    @Test
    void png_rejectsBadArguments() {
        assertThatThrownBy(() -> QrCode.png(KEY_URI, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> QrCode.png(KEY_URI, 33)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> QrCode.png("", 4)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> QrCode.png(null, 4)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> QrCode.png("x".repeat(5000), 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void dataUri_isBase64Png() {
        byte[] png = QrCode.png(KEY_URI, 2);

        String uri = QrCode.dataUri(png);

        assertThat(uri).startsWith("data:image/png;base64,");
        assertThat(Base64.getDecoder().decode(uri.substring("data:image/png;base64,".length())))
                .isEqualTo(png);
    }

    private static Result decode(byte[] png, Map<DecodeHintType, ?> hints) throws IOException, NotFoundException {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(image).as("ImageIO could read the PNG").isNotNull();
        BinaryBitmap bitmap = new BinaryBitmap(new HybridBinarizer(new BufferedImageLuminanceSource(image)));
        return new MultiFormatReader().decode(bitmap, hints);
    }

    private static boolean isWhite(BufferedImage image, int x, int y) {
        return (image.getRGB(x, y) & 0xffffff) == 0xffffff;
    }
}
