package io.qmeter.cli;

import io.qmeter.cluster.StoreAccess;
import io.qmeter.store.ResultStore;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * How a command reaches a PostgreSQL store without a password on its command line: {@code --user}
 * (else {@code QMETER_PG_USER}, else {@code qmeter}) and the password from {@code QMETER_PG_PASSWORD}
 * or a file ({@code --password-file}, else {@code QMETER_PG_PASSWORD_FILE}). {@code --password} is
 * refused with a message saying what to use instead.
 */
final class StoreOptions {

    @Option(names = "--user", paramLabel = "USER",
            description = "PostgreSQL user (else QMETER_PG_USER, else qmeter).")
    String user;

    @Option(names = "--password-file", paramLabel = "FILE",
            description = "A file holding the PostgreSQL password (else QMETER_PG_PASSWORD_FILE, else the variable "
                    + "QMETER_PG_PASSWORD). A password is never taken on the command line.")
    Path passwordFile;

    @Option(names = "--password", hidden = true, paramLabel = "PASSWORD")
    String password;

    /** The picocli mixin's constructor. */
    StoreOptions() {
    }

    /** Whether a store argument names PostgreSQL (a JDBC URL) rather than an SQLite file. */
    static boolean isPostgres(String store) {
        return store.regionMatches(true, 0, "jdbc:postgresql:", 0, "jdbc:postgresql:".length());
    }

    /**
     * The access to a PostgreSQL store.
     *
     * @param option the option that named the URL, for messages
     * @param url    the URL, or empty for {@code QMETER_PG_URL}
     * @param env    the environment
     * @return the access
     * @throws UserError naming the option when something is missing or a password was given as an argument
     */
    StoreAccess access(String option, Optional<String> url, Map<String, String> env) {
        if (password != null) {
            throw new UserError("--password: not accepted (a password on the command line shows in ps, shell history "
                    + "and job scripts); set " + StoreAccess.PASSWORD_ENV + " or use --password-file FILE");
        }
        try {
            return StoreAccess.resolve(url, Optional.ofNullable(user), Optional.ofNullable(passwordFile), env);
        } catch (IllegalArgumentException e) {
            throw new UserError(option + ": " + e.getMessage(), e);
        }
    }

    /**
     * Opens {@code store}: a {@code jdbc:postgresql://} URL (see {@link #access}) or an SQLite file.
     *
     * @param option the option that named it, for messages
     * @param store  the URL or file
     * @param env    the environment
     * @return the open store
     */
    ResultStore open(String option, String store, Map<String, String> env) {
        if (isPostgres(store)) {
            StoreAccess a = access(option, Optional.of(store), env);
            return ResultStore.postgres(a.url(), a.user(), a.password());
        }
        if (store.regionMatches(true, 0, "jdbc:", 0, 5)) {
            throw new UserError(option + ": expected an SQLite file or a jdbc:postgresql://host:5432/db URL, was "
                    + store);
        }
        if (password != null) {
            access(option, Optional.empty(), env); // refuses it with the message
        }
        return ResultStore.sqlite(Path.of(store));
    }
}
