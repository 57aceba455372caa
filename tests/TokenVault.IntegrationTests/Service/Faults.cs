using System.Reflection;
using PrivateInference.TokenVault.Keys;
using PrivateInference.TokenVault.Storage;

namespace PrivateInference.TokenVault.IntegrationTests.Service;

/// <summary>A store that fails the calls a test picks, as a database that went away mid-operation would
/// (<see cref="VaultStoreUnavailableException"/>); every other call reaches the real store.</summary>
public class FaultyStore : DispatchProxy
{
    private IVaultStore _inner = null!;
    private Func<string, object?[], bool>? _fails;
    private int _failures;

    /// <summary>How many calls failed so far.</summary>
    public int Failures => Volatile.Read(ref _failures);

    /// <summary>The store and its switch.</summary>
    public static (IVaultStore Store, FaultyStore Faults) Wrap(IVaultStore inner)
    {
        var store = Create<IVaultStore, FaultyStore>();
        var faults = (FaultyStore)(object)store;
        faults._inner = inner;
        return (store, faults);
    }

    /// <summary>From now on, fails the calls for which <paramref name="fails"/> (method name, arguments) is true; null
    /// fails none.</summary>
    public void FailWhen(Func<string, object?[], bool>? fails) => Volatile.Write(ref _fails, fails);

    /// <summary>Fails the next call of <paramref name="method"/> only.</summary>
    public void FailOnce(string method)
    {
        var failed = 0;
        FailWhen((name, _) => name == method && Interlocked.Exchange(ref failed, 1) == 0);
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        if (Volatile.Read(ref _fails) is { } fails && fails(targetMethod.Name, args ?? []))
        {
            Interlocked.Increment(ref _failures);
            throw new VaultStoreUnavailableException("Injected fault.");
        }

        return targetMethod.Invoke(_inner, args);
    }
}

/// <summary>A KEK provider that fails the calls a test picks, as an HSM that went away would
/// (<see cref="KeyUnavailableReason.ProviderFailure"/>); every other call reaches the real provider, which it does not own.</summary>
internal sealed class FaultyKek(IKekProvider inner) : IKekProvider
{
    private Func<string, KekId?, bool>? _fails;

    public string Kind => inner.Kind;

    public bool IsDevelopmentOnly => inner.IsDevelopmentOnly;

    /// <summary>From now on, fails the calls for which <paramref name="fails"/> (method name, KEK) is true; null fails none.</summary>
    public void FailWhen(Func<string, KekId?, bool>? fails) => Volatile.Write(ref _fails, fails);

    public void EnsureKey(KekId kekId, bool create) => Checked(nameof(EnsureKey), kekId, () => inner.EnsureKey(kekId, create));

    public byte[] Wrap(KekId kekId, ReadOnlySpan<byte> plaintextKey, ReadOnlySpan<byte> aad)
    {
        Check(nameof(Wrap), kekId);
        return inner.Wrap(kekId, plaintextKey, aad);
    }

    public byte[] Unwrap(KekId kekId, ReadOnlySpan<byte> wrapped, ReadOnlySpan<byte> aad)
    {
        Check(nameof(Unwrap), kekId);
        return inner.Unwrap(kekId, wrapped, aad);
    }

    public KekInfo Describe(KekId kekId) => Checked(nameof(Describe), kekId, () => inner.Describe(kekId));

    public IReadOnlyList<KekInfo> List(string name) => Checked(nameof(List), null, () => inner.List(name));

    public void Create(KekId kekId) => Checked(nameof(Create), kekId, () => inner.Create(kekId));

    public void Disable(KekId kekId) => Checked(nameof(Disable), kekId, () => inner.Disable(kekId));

    public void Enable(KekId kekId) => Checked(nameof(Enable), kekId, () => inner.Enable(kekId));

    public void Destroy(KekId kekId) => Checked(nameof(Destroy), kekId, () => inner.Destroy(kekId));

    public ImportPublicKey GetImportPublicKey(string name) => Checked(nameof(GetImportPublicKey), null, () => inner.GetImportPublicKey(name));

    public void Import(KekId target, ImportKeyId importKeyId, ReadOnlySpan<byte> wrappedKeyMaterial, ImportWrapping wrapping)
    {
        Check(nameof(Import), target);
        inner.Import(target, importKeyId, wrappedKeyMaterial, wrapping);
    }

    public byte[] SignAuditCheckpoint(int version, ReadOnlySpan<byte> message)
    {
        Check(nameof(SignAuditCheckpoint), null);
        return inner.SignAuditCheckpoint(version, message);
    }

    public IReadOnlyList<AuditSigningKey> GetAuditSigningKeys() => Checked(nameof(GetAuditSigningKeys), null, inner.GetAuditSigningKeys);

    public int RotateAuditSigningKey() => Checked(nameof(RotateAuditSigningKey), null, inner.RotateAuditSigningKey);

    /// <summary>The fixture owns the real provider.</summary>
    public void Dispose()
    {
    }

    private T Checked<T>(string method, KekId? kekId, Func<T> call)
    {
        Check(method, kekId);
        return call();
    }

    private void Checked(string method, KekId? kekId, Action call)
    {
        Check(method, kekId);
        call();
    }

    private void Check(string method, KekId? kekId)
    {
        if (Volatile.Read(ref _fails) is { } fails && fails(method, kekId))
        {
            throw new KeyUnavailableException(KeyUnavailableReason.ProviderFailure, kekId);
        }
    }
}
