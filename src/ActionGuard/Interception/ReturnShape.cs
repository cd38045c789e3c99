namespace ActionGuard.Interception;

/// <summary>The return types a guarded method may have; each one is awaited or blocked on differently.</summary>
internal enum ReturnShape
{
    /// <summary><see langword="void"/>: the call blocks on the approval.</summary>
    Void,

    /// <summary>A value of any non-awaitable type: the call blocks on the approval.</summary>
    Value,

    /// <summary><see cref="System.Threading.Tasks.Task"/>.</summary>
    Task,

    /// <summary><see cref="Task{TResult}"/>.</summary>
    TaskOfT,

    /// <summary><see cref="System.Threading.Tasks.ValueTask"/>.</summary>
    ValueTask,

    /// <summary><see cref="ValueTask{TResult}"/>.</summary>
    ValueTaskOfT,
}
