package dev.twofa.port;

/** Sends transactional email (SES in AWS, the outbox in the local run). */
public interface Mailer {

    void send(Email email);

    record Email(String to, String subject, String body) {}
}
