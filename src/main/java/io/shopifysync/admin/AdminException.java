package io.shopifysync.admin;

/** An admin API request that is answered with an error status and a JSON message. */
public class AdminException extends RuntimeException {
    private final int status;

    public AdminException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
