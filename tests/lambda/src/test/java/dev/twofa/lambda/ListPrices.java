package dev.twofa.lambda;

/**
 * AWS list prices, us-east-1, as of 2026-12-01, as docs/standards.md, "AWS list prices" records them
 * from the AWS pricing pages
 * (aws.amazon.com/api-gateway/pricing, /lambda/pricing, /dynamodb/pricing/on-demand, /kms/pricing).
 * Prices change: update the date with the numbers, here and in docs/standards.md.
 */
final class ListPrices {
    static final String AS_OF = "2026-12-01, us-east-1";

    /** HTTP API: $1.00 per million requests (first 300 million a month). */
    static final double HTTP_API_REQUEST = 1.00 / 1e6;

    /** Lambda: $0.20 per million requests. */
    static final double LAMBDA_REQUEST = 0.20 / 1e6;

    /** Lambda arm64 (Graviton): $0.0000133334 per GB-second (first 7.5 billion GB-s a month). */
    static final double LAMBDA_ARM64_GB_SECOND = 0.0000133334;

    /** Lambda x86_64: $0.0000166667 per GB-second (AWS Lambda pricing page; used when the template says x86_64). */
    static final double LAMBDA_X86_64_GB_SECOND = 0.0000166667;

    /** DynamoDB on-demand: $0.625 per million write request units (1 KB each; 2 per transactional item). */
    static final double DYNAMODB_WRITE_UNIT = 0.625 / 1e6;

    /** DynamoDB on-demand: $0.125 per million read request units (4 KB strongly consistent; 2 per transactional item). */
    static final double DYNAMODB_READ_UNIT = 0.125 / 1e6;

    /** KMS symmetric requests (Decrypt, Encrypt, GenerateMac, GenerateDataKey…): $0.03 per 10,000. */
    static final double KMS_SYMMETRIC_REQUEST = 0.03 / 10_000;

    /** KMS asymmetric requests (Sign with ECC_NIST_P256…): $0.15 per 10,000, five times symmetric. */
    static final double KMS_ASYMMETRIC_REQUEST = 0.15 / 10_000;

    private ListPrices() {}
}
