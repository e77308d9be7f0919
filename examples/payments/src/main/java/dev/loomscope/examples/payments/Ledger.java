package dev.loomscope.examples.payments;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The ledger: an embedded H2 database (in memory) reached over JDBC through a bounded HikariCP pool. Accounts and
 * payments are rows; an authorisation debits the payer and credits the merchant in one transaction.
 *
 * <p>HikariCP because it is what most JVM services run (Spring Boot's default pool), so pool waits look in the dump
 * the way they look in production: a virtual thread parked in {@code ConcurrentBag.borrow} under
 * {@code HikariDataSource.getConnection}. Its hand-off parks with {@code LockSupport}, which a virtual thread can
 * do without holding its carrier.
 */
public final class Ledger implements AutoCloseable {
    /** A payment as stored. */
    public record Stored(String id, String payer, String merchant, long amountCents, String currency, String status,
                         String authCode, int fraudScore, long feeCents, String createdAt) {
    }

    /** One of a merchant's recent payments, for the fraud check's features. */
    public record Recent(String id, long amountCents, String currency, String day) {
    }

    public static final String SETTLEMENT = "settlement";
    private final HikariDataSource pool;

    /**
     * @param poolSize  connections in the pool (fixed: minimum idle = maximum)
     * @param payers    payer accounts {@code acct-0} … created with a large balance
     * @param merchants merchant accounts {@code m-0} …
     */
    public Ledger(String name, int poolSize, int payers, int merchants) throws SQLException {
        HikariConfig config = new HikariConfig();
        config.setPoolName("ledger");
        config.setJdbcUrl("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1");
        config.setUsername("sa");
        config.setPassword("");
        config.setMaximumPoolSize(poolSize);
        config.setMinimumIdle(poolSize);
        // How long a request waits for a connection before it fails (503): HikariCP's minimum is 250 ms.
        config.setConnectionTimeout(1000);
        config.setAutoCommit(true);
        config.setRegisterMbeans(false);
        this.pool = new HikariDataSource(config);
        createSchema(payers, merchants);
    }

    private void createSchema(int payers, int merchants) throws SQLException {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE accounts (id VARCHAR(32) PRIMARY KEY, balance_cents BIGINT NOT NULL)");
            s.execute("""
                    CREATE TABLE payments (
                      id VARCHAR(40) PRIMARY KEY, payer VARCHAR(32) NOT NULL, merchant VARCHAR(32) NOT NULL,
                      amount_cents BIGINT NOT NULL, currency CHAR(3) NOT NULL, status VARCHAR(16) NOT NULL,
                      auth_code VARCHAR(16), fraud_score INT NOT NULL, fee_cents BIGINT NOT NULL,
                      created_at TIMESTAMP NOT NULL)""");
            s.execute("CREATE INDEX payments_merchant ON payments (merchant, created_at)");
            c.setAutoCommit(false);
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO accounts VALUES (?, ?)")) {
                for (int i = 0; i < payers; i++) {
                    insert.setString(1, "acct-" + i);
                    insert.setLong(2, 1_000_000_000_00L);
                    insert.addBatch();
                }
                for (int i = 0; i < merchants; i++) {
                    insert.setString(1, "m-" + i);
                    insert.setLong(2, 0);
                    insert.addBatch();
                }
                insert.setString(1, SETTLEMENT);
                insert.setLong(2, 0);
                insert.addBatch();
                insert.executeBatch();
            }
            c.commit();
        }
    }

    /** A pooled connection (waits up to the pool's timeout, then throws {@link SQLException}). */
    public Connection connection() throws SQLException {
        return pool.getConnection();
    }

    /** The merchant's latest authorised payments, newest first. */
    public List<Recent> recentAtMerchant(Connection c, String merchant, int limit) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("SELECT id, amount_cents, currency, created_at FROM payments"
                     + " WHERE merchant = ? AND status = 'AUTHORIZED' ORDER BY created_at DESC LIMIT ?")) {
            q.setString(1, merchant);
            q.setInt(2, limit);
            List<Recent> recent = new ArrayList<>(limit);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    recent.add(new Recent(rs.getString(1), rs.getLong(2), rs.getString(3),
                            rs.getTimestamp(4).toLocalDateTime().toLocalDate().toString()));
                }
            }
            return recent;
        }
    }

    /**
     * Books an authorised payment on {@code c} in one transaction: debit the payer (if the balance allows), credit the
     * merchant, insert the payment.
     *
     * @return false if the payer's balance was too low (nothing booked)
     */
    public boolean book(Connection c, Payments.Request r, String id, String authCode, int fraudScore, long feeCents)
            throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            try (PreparedStatement debit = c.prepareStatement(
                    "UPDATE accounts SET balance_cents = balance_cents - ? WHERE id = ? AND balance_cents >= ?")) {
                debit.setLong(1, r.amountCents());
                debit.setString(2, r.payer());
                debit.setLong(3, r.amountCents());
                if (debit.executeUpdate() != 1) {
                    c.rollback();
                    return false;
                }
            }
            try (PreparedStatement credit = c.prepareStatement(
                    "UPDATE accounts SET balance_cents = balance_cents + ? WHERE id = ?")) {
                credit.setLong(1, r.amountCents() - feeCents);
                credit.setString(2, r.merchant());
                credit.executeUpdate();
            }
            insert(c, r, id, "AUTHORIZED", authCode, fraudScore, feeCents);
            c.commit();
            return true;
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(autoCommit);
        }
    }

    /** Records a refused payment (fraud, funds). */
    public void recordRefused(Connection c, Payments.Request r, String id, String status, int fraudScore)
            throws SQLException {
        insert(c, r, id, status, null, fraudScore, 0);
    }

    private static void insert(Connection c, Payments.Request r, String id, String status, String authCode,
                               int fraudScore, long feeCents) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO payments VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setString(1, id);
            insert.setString(2, r.payer());
            insert.setString(3, r.merchant());
            insert.setLong(4, r.amountCents());
            insert.setString(5, r.currency());
            insert.setString(6, status);
            insert.setString(7, authCode);
            insert.setInt(8, fraudScore);
            insert.setLong(9, feeCents);
            insert.setTimestamp(10, Timestamp.from(Instant.now()));
            insert.executeUpdate();
        }
    }

    /**
     * Recomputes the settlement account's balance, the sum of all fees, from the ledger and stores it; returns it.
     * The sum scans every payment. Only {@link Pathology#CONTENTION} does this per payment (see
     * {@code Payments.reconcileSettlement}); the healthy service keeps fees on the payment rows.
     */
    public long reconcileSettlement(Connection c) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            long fees;
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT COALESCE(SUM(fee_cents), 0) FROM payments")) {
                rs.next();
                fees = rs.getLong(1);
            }
            try (PreparedStatement update = c.prepareStatement("UPDATE accounts SET balance_cents = ? WHERE id = ?")) {
                update.setLong(1, fees);
                update.setString(2, SETTLEMENT);
                update.executeUpdate();
            }
            c.commit();
            return fees;
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(autoCommit);
        }
    }

    public Optional<Stored> find(Connection c, String id) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("SELECT id, payer, merchant, amount_cents, currency, status,"
                     + " auth_code, fraud_score, fee_cents, created_at FROM payments WHERE id = ?")) {
            q.setString(1, id);
            try (ResultSet rs = q.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Stored(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4),
                        rs.getString(5), rs.getString(6), rs.getString(7), rs.getInt(8), rs.getLong(9),
                        rs.getTimestamp(10).toInstant().toString()));
            }
        }
    }

    /** Connections in use, idle, and requests waiting for one (HikariCP's own gauges). */
    public int[] poolGauges() {
        HikariPoolMXBean bean = pool.getHikariPoolMXBean();
        return bean == null ? new int[3]
                : new int[] {bean.getActiveConnections(), bean.getIdleConnections(), bean.getThreadsAwaitingConnection()};
    }

    @Override
    public void close() {
        pool.close();
    }
}
