using ActionGuard.Client;

namespace ActionGuard.PendingApprovals;

/// <summary>An approval requested by an earlier run of the agent for the same call, with the secret that binds it.</summary>
/// <param name="Approval">The approval as the backend has it now (pending or approved).</param>
/// <param name="Nonce">The request's nonce; the caller copies it and zeroes this array.</param>
/// <param name="ActionHash">The action hash sent with the request.</param>
/// <param name="RequestDigest">The digest of the request as the earlier run sent it (<see cref="Hashing.RequestDigest"/>).</param>
internal sealed record AdoptedApproval(Approval Approval, byte[] Nonce, string ActionHash, string RequestDigest);
