namespace Federation.Inventory.Register;

/// <summary>
/// Wakes long-polling feed readers in this process the moment a write commits. Other replicas'
/// writes are seen by polling the database version, so the signal is a shortcut, not the truth.
/// </summary>
public sealed class RegisterChangeSignal
{
    private TaskCompletionSource changed = NewSource();

    /// <summary>A task that completes at the next change.</summary>
    public Task NextChange => Volatile.Read(ref changed).Task;

    public void Notify() => Interlocked.Exchange(ref changed, NewSource()).TrySetResult();

    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
