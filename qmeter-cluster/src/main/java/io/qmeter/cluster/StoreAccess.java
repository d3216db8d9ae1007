package io.qmeter.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How a cluster task reaches the shared PostgreSQL store without the password ever appearing on a
 * command line, in a job script, a pod spec or a log: the URL and user may be given as arguments,
 * the password only through the environment ({@value #PASSWORD_ENV}, e.g. from a Kubernetes Secret
 * or Slurm's exported environment) or a file ({@value #PASSWORD_FILE_ENV} or {@code --password-file}:
 * a mounted Secret, or a file readable only by its owner).
 *
 * <pre>{@code
 * StoreAccess a = StoreAccess.resolve(Optional.of(url), Optional.empty(), Optional.empty(), System.getenv());
 * ResultStore store = ResultStore.postgres(a.url(), a.user(), a.password());
 * }</pre>
 *
 * @param url      the JDBC URL (no password in it)
 * @param user     the user
 * @param password the password; {@link #toString()} never shows it
 */
public record StoreAccess(String url, String user, String password) {

    /** The environment variable with the store's JDBC URL. */
    public static final String URL_ENV = "QMETER_PG_URL";
    /** The environment variable with the store's user. */
    public static final String USER_ENV = "QMETER_PG_USER";
    /** The environment variable with the store's password. */
    public static final String PASSWORD_ENV = "QMETER_PG_PASSWORD";
    /** The environment variable naming a file that holds the store's password. */
    public static final String PASSWORD_FILE_ENV = "QMETER_PG_PASSWORD_FILE";

    /** Checks every component is given and that the URL carries no password. */
    public StoreAccess {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        if (url.matches("(?i).*[?&]password=.*")) {
            throw new IllegalArgumentException("the store URL carries a password; remove it from the URL and pass it in "
                    + PASSWORD_ENV + " or a file named by " + PASSWORD_FILE_ENV + " / --password-file, so that it "
                    + "never shows on a command line or in a job spec");
        }
    }

    /**
     * Resolves the access from arguments first, then the environment.
     *
     * @param url          the URL argument, else {@value #URL_ENV}
     * @param user         the user argument, else {@value #USER_ENV}, else {@code qmeter}
     * @param passwordFile a file with the password, else {@value #PASSWORD_FILE_ENV}, else {@value #PASSWORD_ENV}
     * @param env          the environment
     * @return the access
     * @throws IllegalArgumentException naming what is missing and how to give it
     */
    public static StoreAccess resolve(Optional<String> url, Optional<String> user, Optional<Path> passwordFile,
                                      Map<String, String> env) {
        String u = url.or(() -> Optional.ofNullable(env.get(URL_ENV))).filter(s -> !s.isBlank())
                .orElseThrow(() -> new IllegalArgumentException("no store: pass --store jdbc:postgresql://host:5432/db "
                        + "or set " + URL_ENV));
        if (u.matches("(?i).*[?&]password=.*")) {
            throw new IllegalArgumentException("the store URL carries a password; remove it from the URL and pass it in "
                    + PASSWORD_ENV + " or a file named by " + PASSWORD_FILE_ENV + " / --password-file, so that it "
                    + "never shows on a command line or in a job spec");
        }
        String who = user.or(() -> Optional.ofNullable(env.get(USER_ENV))).filter(s -> !s.isBlank()).orElse("qmeter");
        Optional<Path> file = passwordFile.or(() -> Optional.ofNullable(env.get(PASSWORD_FILE_ENV))
                .filter(s -> !s.isBlank()).map(Path::of));
        String pw;
        if (file.isPresent()) {
            try {
                pw = Files.readString(file.get(), StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read the store password file " + file.get() + ": " + e
                        + "; check the path (a mounted Secret, or a file readable by this user)", e);
            }
        } else {
            pw = env.get(PASSWORD_ENV);
            if (pw == null) {
                throw new IllegalArgumentException("no store password: set " + PASSWORD_ENV + ", or " + PASSWORD_FILE_ENV
                        + " / --password-file to a file holding it (never pass it as an argument)");
            }
        }
        return new StoreAccess(u, who, pw);
    }

    @Override
    public String toString() {
        return "StoreAccess[url=" + url + ", user=" + user + ", password=***]";
    }
}
