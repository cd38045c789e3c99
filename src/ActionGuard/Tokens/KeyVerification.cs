namespace ActionGuard.Tokens;

/// <summary>What <see cref="VerificationKey.Verify"/> found.</summary>
internal enum KeyVerification
{
    /// <summary>The signature does not verify, has the wrong length, or the key cannot verify that algorithm.</summary>
    Invalid = 0,

    /// <summary>The signature verifies.</summary>
    Valid,

    /// <summary>The key was rotated out and disposed before it could be used; look it up again.</summary>
    KeyRetired,
}
