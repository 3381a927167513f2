package io.shopifysync.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.apache.camel.Header;

/** Bearer-token check for the admin API: constant-time, and everything refused while no token is configured. */
public final class AdminAuth {

    private final byte[] expectedDigest;

    public AdminAuth(String adminToken) {
        this.expectedDigest = adminToken == null || adminToken.isBlank() ? null : sha256(adminToken.trim());
    }

    public void authorize(@Header("Authorization") String authorization) {
        if (expectedDigest == null) {
            throw new AdminException(401, "admin API disabled: set ADMIN_TOKEN to enable it");
        }
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new AdminException(401, "missing bearer token: send Authorization: Bearer <ADMIN_TOKEN>");
        }
        // comparing digests keeps the comparison constant-time whatever the presented length
        if (!accepts(authorization.substring(7))) {
            throw new AdminException(401, "wrong admin token");
        }
    }

    /** Whether an admin token is configured at all: without one everything is refused. */
    public boolean enabled() {
        return expectedDigest != null;
    }

    /** Constant-time check of a presented token (the management server's bearer and Basic password). */
    public boolean accepts(String presented) {
        return expectedDigest != null && presented != null
                && MessageDigest.isEqual(expectedDigest, sha256(presented.trim()));
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
