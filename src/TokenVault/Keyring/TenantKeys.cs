using PrivateInference.Cryptography;
using PrivateInference.TokenVault.Storage;

namespace PrivateInference.TokenVault.Keyring;

/// <summary>One tenant's unwrapped data keys, as cached by one replica.</summary>
/// <remarks>
/// Leased, not owned: a request acquires the keys, uses them and releases them; an invalidated instance is
/// wiped when its last lease ends, so a kill switch never tears a key out from under a running decrypt and
/// never leaves it in memory longer than that decrypt.
/// </remarks>
internal sealed class TenantKeys
{
    private readonly Dictionary<int, SecretKey> _valueKeys;
    private readonly Dictionary<int, ValueCipher> _ciphers;
    private int _leases;
    private int _retired;

    public TenantKeys(TenantRecord tenant, Dictionary<int, SecretKey> valueKeys, int currentValueVersion, SecretKey fingerprintKey, int fingerprintVersion, DateTimeOffset validatedAt)
    {
        Tenant = tenant;
        _valueKeys = valueKeys;
        _ciphers = valueKeys.ToDictionary(k => k.Key, k => new ValueCipher(k.Value, k.Key));
        CurrentValueVersion = currentValueVersion;
        FingerprintKey = fingerprintKey;
        SurrogateKey = Fingerprint.DeriveSurrogateKey(fingerprintKey);
        FingerprintVersion = fingerprintVersion;
        ValidatedAt = validatedAt;
    }

    public TenantRecord Tenant { get; }

    public int CurrentValueVersion { get; }

    /// <summary>Seals new values: the current DEK version, keyed once.</summary>
    public ValueCipher CurrentCipher => _ciphers[CurrentValueVersion];

    public SecretKey FingerprintKey { get; }

    /// <summary>Makes surrogates: derived from <see cref="FingerprintKey"/> (<see cref="Fingerprint.DeriveSurrogateKey"/>),
    /// so it is cached, leased and wiped with it.</summary>
    public SecretKey SurrogateKey { get; }

    public int FingerprintVersion { get; }

    /// <summary>When this replica last confirmed the tenant's state and key versions in the database.</summary>
    public DateTimeOffset ValidatedAt { get; set; }

    public bool IsRetired => Volatile.Read(ref _retired) == 1;

    /// <summary>The cipher of a DEK version, to open rows sealed under it.</summary>
    public bool TryGetCipher(int version, out ValueCipher cipher) => _ciphers.TryGetValue(version, out cipher!);

    /// <summary>Takes a lease; false when the keys were already retired (the caller reloads).</summary>
    public bool TryAcquire()
    {
        Interlocked.Increment(ref _leases);
        if (IsRetired)
        {
            Release();
            return false;
        }

        return true;
    }

    public void Release()
    {
        if (Interlocked.Decrement(ref _leases) == 0 && IsRetired)
        {
            Wipe();
        }
    }

    /// <summary>Marks the keys stale; they are wiped now or when the last lease ends.</summary>
    public void Retire()
    {
        if (Interlocked.Exchange(ref _retired, 1) == 0 && Volatile.Read(ref _leases) == 0)
        {
            Wipe();
        }
    }

    private void Wipe()
    {
        lock (_valueKeys)
        {
            foreach (var cipher in _ciphers.Values)
            {
                cipher.Dispose();
            }

            foreach (var key in _valueKeys.Values)
            {
                key.Dispose();
            }

            FingerprintKey.Dispose();
            SurrogateKey.Dispose();
        }
    }
}
