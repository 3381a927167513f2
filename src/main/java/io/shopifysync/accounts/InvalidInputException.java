package io.shopifysync.accounts;

/** Input that we refuse, with a message that says what was wrong and what is accepted. */
public class InvalidInputException extends RuntimeException {
    public InvalidInputException(String message) {
        super(message);
    }
}
