package dev.twofa.domain.otp;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Renders a QR code (typically a key URI) as a PNG. The PNG is written by hand, 1 bit per pixel, instead of through
 * java.awt/ImageIO: loading AWT costs Lambda cold-start time and needs native libraries the runtime may lack.
 */
public final class QrCode {

    /** ISO/IEC 18004 requires a quiet zone of 4 modules, or scanners may not find the finder patterns. */
    private static final int QUIET_ZONE_MODULES = 4;

    private static final int MAX_MODULE_SCALE = 32;
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    private QrCode() {}

    /**
     * @param text content to encode
     * @param moduleScale pixels per QR module side, 1 to 32
     */
    public static byte[] png(String text, int moduleScale) {
        Objects.requireNonNull(text, "text");
        if (text.isEmpty()) {
            throw new IllegalArgumentException("text must not be empty");
        }
        if (moduleScale < 1 || moduleScale > MAX_MODULE_SCALE) {
            throw new IllegalArgumentException("moduleScale must be 1.." + MAX_MODULE_SCALE + ", was " + moduleScale);
        }
        Map<EncodeHintType, Object> hints = new EnumMap<>(EncodeHintType.class);
        // Level M (~15 % of codewords recoverable) survives glare or a smudged screen while keeping the symbol small
        // enough for a phone camera at arm's length.
        hints.put(EncodeHintType.ERROR_CORRECTION, ErrorCorrectionLevel.M);
        hints.put(EncodeHintType.MARGIN, QUIET_ZONE_MODULES);
        if (!StandardCharsets.US_ASCII.newEncoder().canEncode(text)) {
            // Only non-ASCII text gets an explicit UTF-8 ECI; key URIs are percent-encoded ASCII, and leaving the ECI
            // out for them keeps older scanners that mishandle ECI headers working.
            hints.put(EncodeHintType.CHARACTER_SET, StandardCharsets.UTF_8.name());
        }
        BitMatrix matrix;
        try {
            // Size 0 x 0 asks zxing for one pixel per module (quiet zone included); we scale while writing the PNG.
            matrix = new QRCodeWriter().encode(text, BarcodeFormat.QR_CODE, 0, 0, hints);
        } catch (WriterException e) {
            throw new IllegalArgumentException("text does not fit in a QR code", e);
        }
        return encodePng(matrix, moduleScale);
    }

    /** An RFC 2397 data URI, so the QR code can be embedded in a JSON response or an HTML page. */
    public static String dataUri(byte[] png) {
        Objects.requireNonNull(png, "png");
        if (png.length == 0) {
            throw new IllegalArgumentException("png must not be empty");
        }
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(png);
    }

    /** PNG (RFC 2083 / ISO/IEC 15948): signature, IHDR, one IDAT, IEND; 1-bit grayscale, no interlace. */
    private static byte[] encodePng(BitMatrix matrix, int scale) {
        int width = matrix.getWidth() * scale;
        int height = matrix.getHeight() * scale;
        int rowBytes = (width + 7) / 8;
        // Each scanline: filter type 0 (None), then pixels packed MSB first; in 1-bit grayscale 1 is white.
        byte[] raw = new byte[(rowBytes + 1) * height];
        for (int y = 0; y < height; y++) {
            int rowStart = y * (rowBytes + 1);
            int moduleY = y / scale;
            for (int x = 0; x < width; x++) {
                if (!matrix.get(x / scale, moduleY)) {
                    raw[rowStart + 1 + (x >> 3)] |= (byte) (0x80 >>> (x & 7));
                }
            }
        }
        ByteBuffer header = ByteBuffer.allocate(13)
                .putInt(width)
                .putInt(height)
                .put((byte) 1) // bit depth
                .put((byte) 0) // colour type: grayscale
                .put((byte) 0) // compression: deflate
                .put((byte) 0) // filter method 0
                .put((byte) 0); // no interlace
        byte[] idat = deflate(raw);
        // Assembled in memory with exact sizes: 8-byte signature, then 12 bytes of framing per chunk.
        ByteBuffer png = ByteBuffer.allocate(PNG_SIGNATURE.length + 12 + 13 + 12 + idat.length + 12);
        png.put(PNG_SIGNATURE);
        putChunk(png, "IHDR", header.array());
        putChunk(png, "IDAT", idat);
        putChunk(png, "IEND", new byte[0]);
        return png.array();
    }

    /** IDAT holds a zlib stream (RFC 1950), which is what Deflater produces without the "nowrap" option. */
    private static byte[] deflate(byte[] data) {
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
        try {
            deflater.setInput(data);
            deflater.finish();
            byte[] out = new byte[Math.max(64, data.length / 4)];
            int length = 0;
            while (!deflater.finished()) {
                if (length == out.length) {
                    out = Arrays.copyOf(out, out.length * 2);
                }
                length += deflater.deflate(out, length, out.length - length);
            }
            return Arrays.copyOf(out, length);
        } finally {
            // Deflater holds native zlib memory; release it now rather than at garbage collection.
            deflater.end();
        }
    }

    private static void putChunk(ByteBuffer png, String type, byte[] data) {
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        // The CRC covers the chunk type and data but not the length field (PNG specification, "Chunk layout").
        png.putInt(data.length).put(typeBytes).put(data).putInt((int) crc.getValue());
    }
}
