using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using Net.Pkcs11Interop.HighLevelAPI.MechanismParams;
using LowLevel = Net.Pkcs11Interop.LowLevelAPI80;

namespace PrivateInference.TokenVault.Keys;

/// <summary>KEKs as AES-256 secret keys inside a PKCS#11 token (SoftHSM2 in development, a real HSM in production).</summary>
/// <remarks>
/// <para>
/// KEKs are generated inside the token, or unwrapped into it from customer key material (BYOK, see
/// <c>Pkcs11KekProvider.Import.cs</c>), as <c>CKA_TOKEN</c>, <c>CKA_SENSITIVE</c>, non-extractable AES-256
/// keys labelled <see cref="KekId.Label"/> that may only encrypt and decrypt; keys found under that label are
/// used only if they still meet that policy (<see cref="Pkcs11KeyFacts.Violation"/>). Wrapping is
/// <c>CKM_AES_GCM</c> encryption inside the token (SoftHSM2 refuses <c>CKM_AES_KEY_WRAP_PAD</c> for
/// <c>C_Encrypt</c>). Output: 12-byte random IV ‖ ciphertext ‖ 16-byte tag, with the caller's AAD authenticated.
/// </para>
/// <para>
/// Provider-level disable clears <c>CKA_ENCRYPT</c> and <c>CKA_DECRYPT</c> (the token then refuses the key
/// with CKR_KEY_FUNCTION_NOT_PERMITTED, in every process); destroy writes a tombstone data object and then
/// calls <c>C_DestroyObject</c> (see <see cref="Pkcs11Objects"/>).
/// </para>
/// <para>
/// Decryption goes through the low-level API into a pinned buffer that is wiped afterwards: the
/// high-level <c>Session.Decrypt</c> sizes its buffer from the module's length query (SoftHSM2
/// answers with the ciphertext length) and then <c>Array.Resize</c>s, leaving an unwiped copy of
/// the plaintext key on the managed heap. That path uses the 8-byte CK_ULONG, unpacked ABI
/// (Linux and macOS, 64-bit); other platforms are refused.
/// </para>
/// <para>
/// Thread-safe: operations borrow sessions from a pool; one extra session holds the login for
/// the provider's lifetime. PKCS#11 allows one initialisation per process and module, so a process
/// should hold one provider per module and dispose it only when no operation is running.
/// </para>
/// </remarks>
public sealed partial class Pkcs11KekProvider : IKekProvider
{
    private const int IvLength = 12;
    private const int TagLength = 16;
    private const int KeyLength = Pkcs11Objects.KeyLength;
    private const ulong CkrAeadDecryptFailed = 0x35;

    private readonly IPkcs11Library _library;
    private readonly LowLevel.Pkcs11Library _rawLibrary;
    private readonly ISlot _slot;
    private readonly ISession _loginSession;
    private readonly ConcurrentBag<ISession> _idleSessions = [];
    private readonly ConcurrentDictionary<string, IObjectHandle> _keyHandles = new(StringComparer.Ordinal);
    // Serialises create, import, disable and destroy within this process; the token cannot enforce unique labels.
    private readonly Lock _lifecycleGate = new();
    private readonly int _maxIdleSessions;
    private readonly bool _acceptUnreportedLength;
    private readonly TimeProvider _time;
    private int _disposed;

    /// <summary>Loads the module, finds the token by label and logs in.</summary>
    /// <exception cref="KeyUnavailableException">The module, the token or the login failed.</exception>
    public Pkcs11KekProvider(Pkcs11KekProviderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.ModulePath);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.TokenLabel);
        ArgumentException.ThrowIfNullOrEmpty(options.Pin);
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxIdleSessions);
        ArgumentNullException.ThrowIfNull(options.TimeProvider);

        if (Platform.NativeULongSize != 8 || Platform.StructPackingSize != 0)
        {
            throw new PlatformNotSupportedException("Pkcs11KekProvider supports 64-bit Linux and macOS PKCS#11 modules.");
        }

        Pkcs11NativeLibraryResolver.EnsureInstalled();
        _maxIdleSessions = options.MaxIdleSessions;
        _acceptUnreportedLength = options.AcceptImportedKeysWithoutReportedLength;
        _time = options.TimeProvider;

        IPkcs11Library? library = null;
        LowLevel.Pkcs11Library? rawLibrary = null;
        ISession? loginSession = null;
        try
        {
            var factories = new Pkcs11InteropFactories();
            library = factories.Pkcs11LibraryFactory.LoadPkcs11Library(factories, options.ModulePath, AppType.MultiThreaded);

            // Same module image (dlopen is reference-counted) and no second C_Initialize: only
            // used to call C_Decrypt with a buffer this class controls.
            rawLibrary = new LowLevel.Pkcs11Library(options.ModulePath);

            _slot = FindSlot(library, options.TokenLabel);
            loginSession = _slot.OpenSession(SessionType.ReadWrite);
            LogIn(loginSession, options.Pin);
        }
        catch (Exception e)
        {
            loginSession?.Dispose();
            rawLibrary?.Dispose();
            library?.Dispose();
            if (e is KeyUnavailableException)
            {
                throw;
            }

            throw new KeyUnavailableException(KeyUnavailableReason.ProviderFailure, e);
        }

        _library = library;
        _rawLibrary = rawLibrary;
        _loginSession = loginSession;
    }

    /// <inheritdoc />
    public string Kind => "pkcs11";

    /// <inheritdoc />
    public bool IsDevelopmentOnly => false;

    /// <inheritdoc />
    public void EnsureKey(KekId kekId, bool create)
    {
        if (create && !_keyHandles.ContainsKey(kekId.Label))
        {
            Execute(kekId, session =>
            {
                lock (_lifecycleGate)
                {
                    ThrowIfDestroyed(session, kekId);
                    if (Pkcs11Objects.FindKeys(session, kekId.Label).Count == 0)
                    {
                        GenerateKey(session, kekId.Label);
                    }
                }

                return true;
            });
        }

        UseKey(kekId, static (_, _) => true);
    }

    /// <inheritdoc />
    public KekInfo Describe(KekId kekId) => Execute(kekId, session =>
        Pkcs11Objects.HasTombstone(session, kekId.Label)
            ? KekInfo.DestroyedVersion(kekId)
            : Pkcs11Objects.ReadFacts(session, FindSingleKey(session, kekId)).ToInfo(kekId));

    /// <inheritdoc />
    public IReadOnlyList<KekInfo> List(string name)
    {
        KekId.ThrowIfInvalidName(name);
        return Execute(kekId: null, session =>
        {
            var versions = new SortedDictionary<int, KekInfo>();
            foreach (string label in Pkcs11Objects.AllTombstoneLabels(session))
            {
                if (KekId.TryParseLabel(label, out KekId id) && id.Name == name)
                {
                    versions[id.Version] = KekInfo.DestroyedVersion(id);
                }
            }

            foreach ((IObjectHandle key, string label) in Pkcs11Objects.AllKeysWithLabels(session))
            {
                if (KekId.TryParseLabel(label, out KekId id) && id.Name == name && !versions.ContainsKey(id.Version))
                {
                    versions[id.Version] = Pkcs11Objects.ReadFacts(session, key).ToInfo(id);
                }
            }

            return (IReadOnlyList<KekInfo>)[.. versions.Values];
        });
    }

    /// <inheritdoc />
    public void Create(KekId kekId) => Execute(kekId, session =>
    {
        lock (_lifecycleGate)
        {
            ThrowIfDestroyedOrExists(session, kekId);
            GenerateKey(session, kekId.Label);
        }

        return true;
    });

    /// <inheritdoc />
    public void Disable(KekId kekId) => SetUsable(kekId, usable: false);

    /// <inheritdoc />
    public void Enable(KekId kekId) => SetUsable(kekId, usable: true);

    /// <inheritdoc />
    public void Destroy(KekId kekId) => Execute(kekId, session =>
    {
        lock (_lifecycleGate)
        {
            List<IObjectHandle> keys = Pkcs11Objects.FindKeys(session, kekId.Label);
            bool destroyedBefore = Pkcs11Objects.HasTombstone(session, kekId.Label);
            if (keys.Count == 0 && !destroyedBefore)
            {
                throw new KeyUnavailableException(KeyUnavailableReason.NotFound, kekId);
            }

            // Tombstone first: if the process dies between the two steps, the key already reads as destroyed
            // (the tombstone wins every lookup) and the next Destroy finishes the job.
            if (!destroyedBefore)
            {
                Pkcs11Objects.CreateTombstone(session, kekId.Label, _time.GetUtcNow());
            }

            _keyHandles.TryRemove(kekId.Label, out _);
            foreach (IObjectHandle key in keys)
            {
                session.DestroyObject(key);
            }
        }

        return true;
    });

    /// <inheritdoc />
    public byte[] Wrap(KekId kekId, ReadOnlySpan<byte> plaintextKey, ReadOnlySpan<byte> aad)
    {
        if (plaintextKey.IsEmpty)
        {
            throw new ArgumentException("The key to wrap is empty.", nameof(plaintextKey));
        }

        byte[] plaintext = GC.AllocateUninitializedArray<byte>(plaintextKey.Length, pinned: true);
        try
        {
            plaintextKey.CopyTo(plaintext);
            byte[] iv = RandomNumberGenerator.GetBytes(IvLength);
            byte[] aadBytes = aad.ToArray();

            byte[] sealedKey = UseKey(kekId, (session, key) =>
            {
                using IMechanismParams gcm = CreateGcmParameters(session, iv, aadBytes);
                using IMechanism mechanism = session.Factories.MechanismFactory.Create(CKM.CKM_AES_GCM, gcm);
                return session.Encrypt(mechanism, key, plaintext);
            });

            var wrapped = new byte[IvLength + sealedKey.Length];
            iv.CopyTo(wrapped, 0);
            sealedKey.CopyTo(wrapped, IvLength);
            return wrapped;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    /// <inheritdoc />
    public byte[] Unwrap(KekId kekId, ReadOnlySpan<byte> wrapped, ReadOnlySpan<byte> aad)
    {
        if (wrapped.Length <= IvLength + TagLength)
        {
            throw new KeyUnavailableException(KeyUnavailableReason.IntegrityCheckFailed, kekId);
        }

        byte[] iv = wrapped[..IvLength].ToArray();
        byte[] sealedKey = wrapped[IvLength..].ToArray();
        byte[] aadBytes = aad.ToArray();

        return UseKey(kekId, (session, key) =>
        {
            using IMechanismParams gcm = CreateGcmParameters(session, iv, aadBytes);
            using IMechanism mechanism = session.Factories.MechanismFactory.Create(CKM.CKM_AES_GCM, gcm);
            return DecryptToPinnedArray(session, mechanism, key, sealedKey);
        });
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        DrainIdleSessions();
        _loginSession.Dispose();
        _rawLibrary.Dispose();
        _library.Dispose();
    }

    private static ISlot FindSlot(IPkcs11Library library, string tokenLabel)
    {
        foreach (ISlot slot in library.GetSlotList(SlotsType.WithTokenPresent))
        {
            if (string.Equals(slot.GetTokenInfo().Label.Trim(), tokenLabel, StringComparison.Ordinal))
            {
                return slot;
            }
        }

        throw new KeyUnavailableException(KeyUnavailableReason.ProviderFailure);
    }

    private static void LogIn(ISession session, string pin)
    {
        byte[] pinBytes = Encoding.UTF8.GetBytes(pin);
        try
        {
            session.Login(CKU.CKU_USER, pinBytes);
        }
        catch (Pkcs11Exception e) when (e.RV == CKR.CKR_USER_ALREADY_LOGGED_IN)
        {
            // Login state is per application and token; another provider instance already holds it.
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pinBytes);
        }
    }

    private static ICkGcmParams CreateGcmParameters(ISession session, byte[] iv, byte[] aad) =>
        session.Factories.MechanismParamsFactory.CreateCkGcmParams(iv, IvLength * 8, aad, TagLength * 8);

    private byte[] DecryptToPinnedArray(ISession session, IMechanism mechanism, IObjectHandle key, byte[] sealedKey)
    {
        var ckMechanism = (LowLevel.CK_MECHANISM)mechanism.ToMarshalableStructure();
        CKR rv = _rawLibrary.C_DecryptInit(session.SessionId, ref ckMechanism, key.ObjectId);
        if (rv != CKR.CKR_OK)
        {
            throw new Pkcs11Exception("C_DecryptInit", rv);
        }

        // Large enough for any module's answer, so no length query and no resize.
        byte[] buffer = GC.AllocateUninitializedArray<byte>(sealedKey.Length, pinned: true);
        try
        {
            ulong length = (ulong)buffer.Length;
            rv = _rawLibrary.C_Decrypt(session.SessionId, sealedKey, (ulong)sealedKey.Length, buffer, ref length);
            if (IsAuthenticationFailure(rv))
            {
                throw new KeyUnavailableException(KeyUnavailableReason.IntegrityCheckFailed, new Pkcs11Exception("C_Decrypt", rv));
            }

            if (rv != CKR.CKR_OK)
            {
                throw new Pkcs11Exception("C_Decrypt", rv);
            }

            byte[] plaintext = GC.AllocateUninitializedArray<byte>(checked((int)length), pinned: true);
            buffer.AsSpan(0, plaintext.Length).CopyTo(plaintext);
            return plaintext;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer);
        }
    }

    /// <summary>How modules report a GCM tag mismatch once C_DecryptInit has accepted key and parameters.</summary>
    /// <remarks>
    /// PKCS#11 2.40 says CKR_ENCRYPTED_DATA_INVALID, 3.0 adds CKR_AEAD_DECRYPT_FAILED (0x35, not in
    /// Pkcs11Interop 5.3's enum), and SoftHSM2 2.6 returns CKR_GENERAL_ERROR from its final tag check.
    /// </remarks>
    private static bool IsAuthenticationFailure(CKR rv) =>
        rv is CKR.CKR_ENCRYPTED_DATA_INVALID or CKR.CKR_ENCRYPTED_DATA_LEN_RANGE or CKR.CKR_GENERAL_ERROR
            || (ulong)rv == CkrAeadDecryptFailed;

    private void SetUsable(KekId kekId, bool usable) => Execute(kekId, session =>
    {
        lock (_lifecycleGate)
        {
            Pkcs11Objects.SetUsable(session, FindSingleKey(session, kekId), usable);
            _keyHandles.TryRemove(kekId.Label, out _);
        }

        return true;
    });

    /// <summary>Runs <paramref name="operation"/> with a usable KEK; a cached handle whose object went away is looked up once more.</summary>
    private T UseKey<T>(KekId kekId, Func<ISession, IObjectHandle, T> operation)
    {
        try
        {
            return Execute(kekId, session => operation(session, ResolveUsableKey(session, kekId)));
        }
        catch (KeyUnavailableException e) when (e.InnerException is Pkcs11Exception { RV: CKR.CKR_OBJECT_HANDLE_INVALID or CKR.CKR_KEY_HANDLE_INVALID })
        {
            // Destroyed by another process, or the token reloaded: the second lookup reports which.
            return Execute(kekId, session => operation(session, ResolveUsableKey(session, kekId)));
        }
    }

    private T Execute<T>(KekId? kekId, Func<ISession, T> operation)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);

        ISession? session = null;
        var healthy = false;
        try
        {
            session = RentSession();
            T result = operation(session);
            healthy = true;
            return result;
        }
        catch (Pkcs11Exception e)
        {
            throw Translate(e, kekId);
        }
        finally
        {
            if (session is not null)
            {
                // A session that saw an error may hold a half-finished operation: close it.
                ReturnSession(session, healthy);
            }
        }
    }

    private KeyUnavailableException Translate(Pkcs11Exception e, KekId? kekId)
    {
        KeyUnavailableReason reason = e.RV switch
        {
            CKR.CKR_KEY_HANDLE_INVALID or CKR.CKR_OBJECT_HANDLE_INVALID => KeyUnavailableReason.NotFound,
            // Disabled in this token by another process after we cached the handle.
            CKR.CKR_KEY_FUNCTION_NOT_PERMITTED => KeyUnavailableReason.Disabled,
            CKR.CKR_MECHANISM_INVALID or CKR.CKR_MECHANISM_PARAM_INVALID => KeyUnavailableReason.NotSupported,
            _ => KeyUnavailableReason.ProviderFailure,
        };
        if (kekId is { } id && reason is KeyUnavailableReason.NotFound or KeyUnavailableReason.Disabled)
        {
            _keyHandles.TryRemove(id.Label, out _);
        }

        return new KeyUnavailableException(reason, kekId, e);
    }

    private IObjectHandle ResolveUsableKey(ISession session, KekId kekId)
    {
        if (_keyHandles.TryGetValue(kekId.Label, out IObjectHandle? cached))
        {
            return cached;
        }

        IObjectHandle key = FindSingleKey(session, kekId);
        if (Pkcs11Objects.ReadFacts(session, key).Violation(_acceptUnreportedLength) is { } violation)
        {
            throw new KeyUnavailableException(violation, kekId);
        }

        return _keyHandles.GetOrAdd(kekId.Label, key);
    }

    /// <summary>The one key object of <paramref name="kekId"/>; its tombstone wins over a key left by an interrupted destroy.</summary>
    private static IObjectHandle FindSingleKey(ISession session, KekId kekId)
    {
        ThrowIfDestroyed(session, kekId);
        List<IObjectHandle> found = Pkcs11Objects.FindKeys(session, kekId.Label);
        return found.Count switch
        {
            0 => throw new KeyUnavailableException(KeyUnavailableReason.NotFound, kekId),
            1 => found[0],
            // Two keys under one label: refusing beats guessing which one wrapped the data.
            _ => throw new KeyUnavailableException(KeyUnavailableReason.PolicyViolation, kekId),
        };
    }

    private static void ThrowIfDestroyed(ISession session, KekId kekId)
    {
        if (Pkcs11Objects.HasTombstone(session, kekId.Label))
        {
            throw new KeyUnavailableException(KeyUnavailableReason.Destroyed, kekId);
        }
    }

    private static void ThrowIfDestroyedOrExists(ISession session, KekId kekId)
    {
        ThrowIfDestroyed(session, kekId);
        if (Pkcs11Objects.FindKeys(session, kekId.Label).Count > 0)
        {
            throw new KeyUnavailableException(KeyUnavailableReason.AlreadyExists, kekId);
        }
    }

    private static void GenerateKey(ISession session, string label)
    {
        List<IObjectAttribute> template = Pkcs11Objects.KekTemplate(session, label);
        template.Add(session.Factories.ObjectAttributeFactory.Create(CKA.CKA_VALUE_LEN, (ulong)KeyLength));
        try
        {
            using IMechanism mechanism = session.Factories.MechanismFactory.Create(CKM.CKM_AES_KEY_GEN);
            session.GenerateKey(mechanism, template);
        }
        finally
        {
            Pkcs11Objects.DisposeAll(template);
        }
    }

    private ISession RentSession() =>
        _idleSessions.TryTake(out ISession? session) ? session : _slot.OpenSession(SessionType.ReadWrite);

    private void ReturnSession(ISession session, bool healthy)
    {
        if (!healthy || _idleSessions.Count >= _maxIdleSessions || Volatile.Read(ref _disposed) != 0)
        {
            session.Dispose();
            return;
        }

        _idleSessions.Add(session);
        if (Volatile.Read(ref _disposed) != 0)
        {
            DrainIdleSessions();
        }
    }

    private void DrainIdleSessions()
    {
        while (_idleSessions.TryTake(out ISession? session))
        {
            session.Dispose();
        }
    }
}
