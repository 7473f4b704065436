package dev.twofa.lambda;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What one request costs at {@link ListPrices}, computed from its AWS calls as the recording proxy
 * saw them (their names and bodies), never from a list of calls written down here: the API Gateway
 * HTTP API request, the Lambda request and its GB-seconds, DynamoDB request units by call kind (a
 * transactional item counts 2 units; 1 write unit per started KB, 1 read unit per started 4 KB
 * strongly consistent, half that eventually consistent; item sizes by DynamoDB's rule, from the
 * items on the wire), and KMS requests, symmetric or asymmetric by operation. A call it has no price
 * for (SES, SNS…) is listed as unpriced, not counted as free.
 */
final class RequestCost {
    /** One priced part of the request: what, how it was counted, and its dollars per request. */
    record Line(String item, String arithmetic, double dollars) {}

    record Priced(List<Line> lines, List<String> unpriced) {
        double total() {
            return lines.stream().mapToDouble(Line::dollars).sum();
        }
    }

    /** KMS operations billed as asymmetric requests (those on an asymmetric key: docs/standards.md, "AWS behaviour"). */
    private static final Set<String> KMS_ASYMMETRIC =
            Set.of("Sign", "Verify", "GetPublicKey", "GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext");

    private static final int WRITE_UNIT_BYTES = 1024;
    private static final int READ_UNIT_BYTES = 4096;

    private RequestCost() {}

    /**
     * @param calls the request's calls, in order, as {@link AwsWire#exchangesSince} returns them
     * @param memoryMb the function's MemorySize
     * @param architecture the function's architecture (template Architectures), arm64 or x86_64
     * @param duration the duration Lambda bills, rounded up to the millisecond here
     */
    static Priced of(List<AwsWire.Exchange> calls, int memoryMb, String architecture, Duration duration) {
        List<Line> lines = new ArrayList<>();
        List<String> unpriced = new ArrayList<>();
        lines.add(new Line("HTTP API request", "1 × $1.00/M", ListPrices.HTTP_API_REQUEST));
        lines.add(new Line("Lambda request", "1 × $0.20/M", ListPrices.LAMBDA_REQUEST));
        long billedMs = (duration.toNanos() + 999_999) / 1_000_000;
        double gbSeconds = memoryMb / 1024.0 * billedMs / 1000.0;
        double perGbSecond =
                architecture.equals("x86_64") ? ListPrices.LAMBDA_X86_64_GB_SECOND : ListPrices.LAMBDA_ARM64_GB_SECOND;
        lines.add(new Line(
                "Lambda duration (" + architecture + ")",
                String.format(
                        Locale.ROOT, "%d MB × %d ms = %.5f GB-s × $%.10f", memoryMb, billedMs, gbSeconds, perGbSecond),
                gbSeconds * perGbSecond));
        for (AwsWire.Exchange call : calls) {
            String service = call.call().substring(0, call.call().indexOf(':'));
            String action = call.call().substring(call.call().indexOf(':') + 1);
            switch (service) {
                case "dynamodb" -> lines.add(dynamoDb(action, json(call.request()), json(call.response())));
                case "kms" -> {
                    boolean asymmetric = KMS_ASYMMETRIC.contains(action);
                    lines.add(new Line(
                            "KMS " + action,
                            asymmetric ? "1 asymmetric request × $0.15/10k" : "1 symmetric request × $0.03/10k",
                            asymmetric ? ListPrices.KMS_ASYMMETRIC_REQUEST : ListPrices.KMS_SYMMETRIC_REQUEST));
                }
                default -> unpriced.add(call.call());
            }
        }
        return new Priced(List.copyOf(lines), List.copyOf(unpriced));
    }

    @SuppressWarnings("unchecked")
    private static Line dynamoDb(String action, Map<String, Object> request, Map<String, Object> response) {
        double readFactor = Boolean.TRUE.equals(request.get("ConsistentRead")) ? 1.0 : 0.5;
        String consistency = readFactor == 1.0 ? "strongly consistent" : "eventually consistent";
        return switch (action) {
            case "GetItem" -> {
                long size = itemSize(map(response.get("Item")));
                double units = readUnits(size) * readFactor;
                yield readLine(action, String.format(Locale.ROOT, "%s, item %d B", consistency, size), units);
            }
            case "Query", "Scan" -> {
                long size = 0;
                for (Object item : list(response.get("Items"))) {
                    size += itemSize(map(item));
                }
                double units = readUnits(size) * readFactor;
                yield readLine(
                        action,
                        String.format(
                                Locale.ROOT,
                                "%s, %d items, %d B",
                                consistency,
                                list(response.get("Items")).size(),
                                size),
                        units);
            }
            case "TransactGetItems" -> {
                double units = 0;
                List<Object> answers = list(response.get("Responses"));
                for (Object answer : answers) {
                    units += 2 * readUnits(itemSize(map(map(answer).get("Item"))));
                }
                yield readLine(action, answers.size() + " transactional items × 2", units);
            }
            case "BatchGetItem" -> {
                double units = 0;
                int items = 0;
                for (Object table : map(response.get("Responses")).values()) {
                    for (Object item : list(table)) {
                        units += readUnits(itemSize(map(item))) * 0.5;
                        items++;
                    }
                }
                yield readLine(action, items + " items, eventually consistent", units);
            }
            case "PutItem" -> {
                long size = itemSize(map(request.get("Item")));
                yield writeLine(action, String.format(Locale.ROOT, "item %d B", size), writeUnits(size));
            }
            // The size that counts is the item's before or after the write, which is not on the wire;
            // this project's items are far below 1 KB.
            case "UpdateItem", "DeleteItem" -> writeLine(action, "item ≤ 1 KB", 1);
            case "TransactWriteItems" -> {
                double units = 0;
                List<String> kinds = new ArrayList<>();
                for (Object entry : list(request.get("TransactItems"))) {
                    Map<String, Object> item = map(entry);
                    String kind = item.keySet().iterator().next();
                    kinds.add(kind);
                    units += 2
                            * (kind.equals("Put")
                                    ? writeUnits(
                                            itemSize(map(map(item.get("Put")).get("Item"))))
                                    : 1);
                }
                yield writeLine(
                        action, kinds.size() + " transactional items × 2 (" + String.join(", ", kinds) + ")", units);
            }
            case "BatchWriteItem" -> {
                double units = 0;
                int items = 0;
                for (Object table : map(request.get("RequestItems")).values()) {
                    for (Object entry : list(table)) {
                        Map<String, Object> put = map(map(entry).get("PutRequest"));
                        units += put.isEmpty() ? 1 : writeUnits(itemSize(map(put.get("Item"))));
                        items++;
                    }
                }
                yield writeLine(action, items + " items", units);
            }
            default -> new Line("DynamoDB " + action, "no request units", 0);
        };
    }

    private static Line readLine(String action, String how, double units) {
        return new Line(
                "DynamoDB " + action,
                String.format(Locale.ROOT, "%s: %s RRU × $0.125/M", how, units(units)),
                units * ListPrices.DYNAMODB_READ_UNIT);
    }

    private static Line writeLine(String action, String how, double units) {
        return new Line(
                "DynamoDB " + action,
                String.format(Locale.ROOT, "%s: %s WRU × $0.625/M", how, units(units)),
                units * ListPrices.DYNAMODB_WRITE_UNIT);
    }

    private static String units(double units) {
        return units == Math.rint(units) ? Long.toString((long) units) : Double.toString(units);
    }

    private static long readUnits(long bytes) {
        return Math.max(1, (bytes + READ_UNIT_BYTES - 1) / READ_UNIT_BYTES);
    }

    private static long writeUnits(long bytes) {
        return Math.max(1, (bytes + WRITE_UNIT_BYTES - 1) / WRITE_UNIT_BYTES);
    }

    /** DynamoDB's item size: each attribute's name in UTF-8 plus its value's size. */
    static long itemSize(Map<String, Object> item) {
        long size = 0;
        for (Map.Entry<String, Object> attribute : item.entrySet()) {
            size += utf8(attribute.getKey()) + valueSize(map(attribute.getValue()));
        }
        return size;
    }

    /** A value's size: strings in UTF-8, numbers about one byte per two digits plus one, binary decoded, 3 bytes per map or list plus 1 per element. */
    private static long valueSize(Map<String, Object> value) {
        if (value.isEmpty()) {
            return 0;
        }
        Map.Entry<String, Object> typed = value.entrySet().iterator().next();
        Object v = typed.getValue();
        return switch (typed.getKey()) {
            case "S" -> utf8((String) v);
            case "N" -> String.valueOf(v).length() / 2 + 1;
            case "B" -> String.valueOf(v).length() * 3L / 4;
            case "BOOL", "NULL" -> 1;
            case "SS" -> list(v).stream().mapToLong(s -> utf8((String) s)).sum();
            case "NS" ->
                list(v).stream()
                        .mapToLong(n -> String.valueOf(n).length() / 2 + 1)
                        .sum();
            case "BS" ->
                list(v).stream()
                        .mapToLong(b -> String.valueOf(b).length() * 3L / 4)
                        .sum();
            case "L" ->
                3 + list(v).stream().mapToLong(e -> 1 + valueSize(map(e))).sum();
            case "M" -> 3 + map(v).size() + itemSize(map(v));
            default -> 0;
        };
    }

    private static long utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    private static Map<String, Object> json(byte[] body) {
        if (body.length == 0) {
            return Map.of();
        }
        try {
            return JSON.std.mapFrom(body);
        } catch (IOException e) {
            // A query-protocol answer (XML) or an error page: nothing to size.
            return Map.of();
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object value) {
        return value instanceof List<?> l ? (List<Object>) l : List.of();
    }
}
