namespace ActionGuard.Classification;

/// <summary>
/// Marks the parameter that carries the data an action moves (an export's rows, a file's text): the guard classifies
/// its value with <see cref="IDataClassifier"/> and attaches the classes, their counts and a few masked samples to the
/// approval request. The value itself is never sent.
/// </summary>
/// <remarks>
/// Arguments of type <see cref="Stream"/>, <see cref="IEnumerable{T}"/> of <see cref="string"/> and
/// <see cref="IEnumerable{T}"/> of <see cref="IReadOnlyDictionary{TKey, TValue}"/> rows are classified without the
/// attribute. A <see cref="Stream"/> is only read when it is seekable, and its position is restored afterwards.
/// </remarks>
[AttributeUsage(AttributeTargets.Parameter, AllowMultiple = false, Inherited = true)]
public sealed class PayloadAttribute : Attribute
{
}
