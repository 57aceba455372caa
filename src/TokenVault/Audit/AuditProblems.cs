namespace PrivateInference.TokenVault.Audit;

/// <summary>Plain words for a broken chain, as the command line and the API report them.</summary>
public static class AuditProblems
{
    public static string Name(AuditBreak kind) => kind switch
    {
        AuditBreak.HashMismatch => "edited",
        AuditBreak.SeqGap => "deleted",
        AuditBreak.SeqOutOfOrder => "reordered",
        AuditBreak.PrevHashMismatch => "reordered-or-inserted",
        AuditBreak.OtherTenant => "foreign-record",
        AuditBreak.HeadMismatch => "replaced",
        AuditBreak.SignedCheckpointMismatch => "rewritten (differs from a signed checkpoint)",
        AuditBreak.CheckpointMissing => "names a signed checkpoint that was deleted",
        _ => kind.ToString(),
    };
}
