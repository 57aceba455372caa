using System.Net.Sockets;
using Microsoft.Data.Sqlite;
using Npgsql;
using NUnit.Framework;
using PrivateInference.TokenVault.Storage;

namespace PrivateInference.TokenVault.Tests.Storage;

public sealed class StoreInternalsTests
{
    [TestCase(PostgresErrorCodes.AdminShutdown)]
    [TestCase(PostgresErrorCodes.CrashShutdown)]
    [TestCase(PostgresErrorCodes.CannotConnectNow)]
    [TestCase(PostgresErrorCodes.ConnectionFailure)]
    [TestCase(PostgresErrorCodes.TooManyConnections)]
    [TestCase(PostgresErrorCodes.DeadlockDetected)]
    [TestCase(PostgresErrorCodes.SerializationFailure)]
    public void Server_states_a_retry_may_cure_make_the_store_unavailable(string sqlState)
    {
        Assert.That(PostgresFailures.IsUnavailable(new PostgresException("m", "FATAL", "FATAL", sqlState)), Is.True);
    }

    [TestCase(PostgresErrorCodes.UniqueViolation)]
    [TestCase(PostgresErrorCodes.CheckViolation)]
    [TestCase(PostgresErrorCodes.UndefinedTable)]
    public void Errors_in_the_statement_are_not_unavailability(string sqlState)
    {
        Assert.That(PostgresFailures.IsUnavailable(new PostgresException("m", "ERROR", "ERROR", sqlState)), Is.False);
    }

    [Test]
    public void Socket_and_timeout_failures_make_the_store_unavailable()
    {
        Assert.That(PostgresFailures.IsUnavailable(new NpgsqlException("m", new SocketException((int)SocketError.ConnectionRefused))), Is.True);
        Assert.That(PostgresFailures.IsUnavailable(new NpgsqlException("m", new TimeoutException())), Is.True);
        Assert.That(PostgresFailures.IsUnavailable(new InvalidOperationException()), Is.False);
    }

    [Test]
    public void Only_a_unique_violation_of_the_token_primary_key_is_a_token_id_collision()
    {
        static PostgresException Unique(string constraint) => new(
            "m", "ERROR", "ERROR", PostgresErrorCodes.UniqueViolation,
            constraintName: constraint);

        Assert.That(PostgresFailures.IsTokenIdCollision(Unique("tokens_pk")), Is.True);
        Assert.That(PostgresFailures.IsTokenIdCollision(Unique("tokens_pk_102008")), Is.True, "Citus shard suffix");
        Assert.That(PostgresFailures.IsTokenIdCollision(Unique("tokens_fingerprint_uq")), Is.False);
        Assert.That(PostgresFailures.IsTokenIdCollision(Unique("approvals_pk")), Is.False);
    }

    [Test]
    public void Sqlite_busy_and_io_errors_are_unavailability_constraint_errors_are_not()
    {
        Assert.That(SqliteFailures.IsUnavailable(new SqliteException("m", 5)), Is.True);
        Assert.That(SqliteFailures.IsUnavailable(new SqliteException("m", 10)), Is.True);
        Assert.That(SqliteFailures.IsUnavailable(new SqliteException("m", 19)), Is.False);
        Assert.That(SqliteFailures.IsTokenIdCollision(new SqliteException("m", 19, 1555)), Is.True);
        Assert.That(SqliteFailures.IsTokenIdCollision(new SqliteException("m", 19, 2067)), Is.False);
    }

    [Test]
    public void The_notify_channel_is_per_schema_and_always_a_valid_identifier()
    {
        string longSchema = new('s', 63);

        Assert.That(PostgresVaultStore.ChannelName("public"), Is.EqualTo("pi_vault_tenant_public"));
        Assert.That(PostgresVaultStore.ChannelName(longSchema), Has.Length.LessThanOrEqualTo(63).And.StartsWith("pi_vault_tenant_"));
        Assert.That(PostgresVaultStore.ChannelName(longSchema), Is.Not.EqualTo(PostgresVaultStore.ChannelName(longSchema[..62] + "t")));
    }

    [Test]
    public void Back_off_doubles_to_a_ten_second_cap_with_jitter_and_resets()
    {
        var backoff = new ReconnectBackoff();
        TimeSpan[] delays = Enumerable.Range(0, 12).Select(_ => backoff.Next()).ToArray();

        Assert.That(delays[0], Is.InRange(TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(100)));
        Assert.That(delays[3], Is.InRange(TimeSpan.FromMilliseconds(400), TimeSpan.FromMilliseconds(800)));
        Assert.That(delays[^1], Is.InRange(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10)));

        backoff.Reset();
        Assert.That(backoff.Next(), Is.LessThanOrEqualTo(TimeSpan.FromMilliseconds(100)));
    }

    [Test]
    public void A_batch_is_deduplicated_by_type_and_fingerprint_bytes_and_sorted_into_lock_order()
    {
        byte[] low = new byte[32];
        byte[] high = Enumerable.Repeat((byte)0xFF, 32).ToArray();
        NewToken[] tokens =
        [
            Token("AAAAAAAA", "PAN", high),
            Token("BBBBBBBB", "EMAIL", high),
            Token("CCCCCCCC", "PAN", low),
            Token("DDDDDDDD", "PAN", (byte[])high.Clone()),
        ];

        List<NewToken> batch = VaultOrder.DistinctInLockOrder(tokens);

        Assert.That(batch.Select(t => t.TokenId), Is.EqualTo(new[] { "BBBBBBBB", "CCCCCCCC", "AAAAAAAA" }));
    }

    [Test]
    public void Rows_come_back_in_input_order_and_a_repeated_pair_gets_the_same_row()
    {
        byte[] one = new byte[32];
        byte[] two = Enumerable.Repeat((byte)2, 32).ToArray();
        NewToken[] inputs = [Token("AAAAAAAA", "PAN", two), Token("BBBBBBBB", "PAN", one), Token("CCCCCCCC", "PAN", (byte[])two.Clone())];
        TokenRecord[] rows = [Row("WINNER01", one), Row("WINNER02", two)];

        IReadOnlyList<TokenRecord> ordered = VaultStoreRules.InInputOrder(inputs, rows);

        Assert.That(ordered.Select(r => r.TokenId), Is.EqualTo(new[] { "WINNER02", "WINNER01", "WINNER02" }));
        Assert.That(() => VaultStoreRules.InInputOrder(inputs, rows[..1]), Throws.InvalidOperationException);
    }

    private static NewToken Token(string id, string type, byte[] fingerprint) =>
        new(id, type, fingerprint, 1, [1], 1, null, null);

    private static TokenRecord Row(string id, byte[] fingerprint) =>
        new("tenant-a", id, "PAN", fingerprint, 1, [1], 1, DateTimeOffset.UnixEpoch, null, null);
}
