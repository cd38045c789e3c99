using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using ActionGuard.Analyzers.Catalog;
using ActionGuard.Analyzers.Classification;
using ActionGuard.Analyzers.Guarding;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace ActionGuard.Analyzers;

/// <summary>
/// AG0001–AG0003: a catalogued sensitive API, SQL text or process launch that runs outside an approval guard;
/// AG0008: a line of a user catalog that cannot be read.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class UnguardedCallAnalyzer : DiagnosticAnalyzer
{
    private static readonly HashSet<string> SqlParameterNames = new(StringComparer.Ordinal)
    {
        "sql", "cmdText", "commandText", "copyToCommand", "copyFromCommand", "copyCommand",
    };

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        Rules.UnguardedDataExport,
        Rules.UnguardedPermissionChange,
        Rules.UnguardedInfrastructureMutation,
        Rules.InvalidCatalogEntry);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(OnCompilationStart);
    }

    private static void OnCompilationStart(CompilationStartAnalysisContext context)
    {
        var userEntries = new List<CatalogEntry>();
        var errors = new Dictionary<string, List<CatalogError>>(StringComparer.Ordinal);
        foreach (var file in context.Options.AdditionalFiles)
        {
            if (!IsUserCatalog(file.Path) || file.GetText(context.CancellationToken) is not { } text)
            {
                continue;
            }

            var fileErrors = new List<CatalogError>();
            CatalogParser.Parse(text, userEntries, fileErrors);
            if (fileErrors.Count > 0)
            {
                errors[file.Path] = fileErrors;
            }
        }

        if (errors.Count > 0)
        {
            context.RegisterAdditionalFileAction(fileContext =>
            {
                if (errors.TryGetValue(fileContext.AdditionalFile.Path, out var fileErrors))
                {
                    foreach (var error in fileErrors)
                    {
                        fileContext.ReportDiagnostic(Diagnostic.Create(
                            Rules.InvalidCatalogEntry,
                            Location.Create(fileContext.AdditionalFile.Path, error.Span, error.LineSpan),
                            $"{Path.GetFileName(fileContext.AdditionalFile.Path)}: {error.Message}"));
                    }
                }
            });
        }

        var compilation = context.Compilation;
        var catalog = SensitiveApiCatalog.Create(compilation, userEntries);
        var commandType = compilation.GetTypeByMetadataName("System.Data.IDbCommand");
        if (catalog.IsEmpty && commandType is null)
        {
            return; // no catalogued type and no ADO.NET: nothing here can be sensitive
        }

        var analysis = new Analysis(catalog, GuardSymbols.Create(compilation), commandType);
        context.RegisterOperationAction(analysis.AnalyzeInvocation, OperationKind.Invocation);
        context.RegisterOperationAction(analysis.AnalyzeObjectCreation, OperationKind.ObjectCreation);
        context.RegisterOperationAction(analysis.AnalyzeMethodReference, OperationKind.MethodReference);
        if (commandType is not null)
        {
            context.RegisterOperationAction(analysis.AnalyzeAssignment, OperationKind.SimpleAssignment);
        }
    }

    internal static bool IsUserCatalog(string path)
    {
        var name = Path.GetFileName(path);
        return name.StartsWith("ActionGuard.Sensitive", StringComparison.OrdinalIgnoreCase)
            && name.EndsWith(".txt", StringComparison.OrdinalIgnoreCase);
    }

    private sealed class Analysis
    {
        private readonly SensitiveApiCatalog _catalog;
        private readonly GuardSymbols _symbols;
        private readonly INamedTypeSymbol? _commandType;

        public Analysis(SensitiveApiCatalog catalog, GuardSymbols symbols, INamedTypeSymbol? commandType)
        {
            _catalog = catalog;
            _symbols = symbols;
            _commandType = commandType;
        }

        public void AnalyzeInvocation(OperationAnalysisContext context)
        {
            var invocation = (IInvocationOperation)context.Operation;
            var method = invocation.TargetMethod;
            if (_catalog.MayContain(method.ReducedFrom ?? method.OriginalDefinition) && _catalog.Find(method) is { } entry)
            {
                if (entry.Kind != SensitiveKind.Ignore)
                {
                    var classification = IsProcessStart(method)
                        ? ClassifyProcessStart(invocation)
                        : new CallClassification(entry.Kind, entry.Message);
                    Report(context, invocation, method, classification);
                }

                return;
            }

            AnalyzeSqlArguments(context, invocation.Arguments, method);
        }

        public void AnalyzeObjectCreation(OperationAnalysisContext context)
        {
            var creation = (IObjectCreationOperation)context.Operation;
            if (creation.Constructor is not { } constructor)
            {
                return;
            }

            if (_catalog.MayContain(constructor) && _catalog.Find(constructor) is { } entry)
            {
                if (entry.Kind != SensitiveKind.Ignore)
                {
                    var classification = IsProcessStartInfo(constructor.ContainingType)
                        ? ClassifyStartInfo(creation)
                        : new CallClassification(entry.Kind, entry.Message);
                    Report(context, creation, constructor, classification);
                }

                return;
            }

            if (_commandType is not null && Implements(constructor.ContainingType, _commandType))
            {
                AnalyzeSqlArguments(context, creation.Arguments, constructor);
            }
        }

        public void AnalyzeMethodReference(OperationAnalysisContext context)
        {
            var reference = (IMethodReferenceOperation)context.Operation;
            var method = reference.Method;
            if (!_catalog.MayContain(method.OriginalDefinition) || _catalog.Find(method) is not { } entry
                || entry.Kind == SensitiveKind.Ignore
                || IsProcessStart(method))
            {
                return;
            }

            // The method group passed as the guard's operation is the guarded call itself.
            if (reference.Parent is IDelegateCreationOperation { Parent: IArgumentOperation argument }
                && GuardContext.IsGuardOperationArgument(argument, _symbols))
            {
                return;
            }

            Report(context, reference, method, new CallClassification(entry.Kind, entry.Message));
        }

        public void AnalyzeAssignment(OperationAnalysisContext context)
        {
            var assignment = (ISimpleAssignmentOperation)context.Operation;
            if (assignment.Target is IPropertyReferenceOperation { Property: { Name: "CommandText" } property }
                && assignment.Value.ConstantValue is { HasValue: true, Value: string sql }
                && Implements(property.ContainingType, _commandType!)
                && SqlTextClassifier.Classify(sql) is { } classification)
            {
                ReportAt(context, assignment.Value.Syntax.GetLocation(), assignment, property.ContainingType.Name + ".CommandText", classification);
            }
        }

        private void AnalyzeSqlArguments(OperationAnalysisContext context, ImmutableArray<IArgumentOperation> arguments, IMethodSymbol method)
        {
            foreach (var argument in arguments)
            {
                if (argument.Parameter is { } parameter
                    && parameter.Type.SpecialType == SpecialType.System_String
                    && SqlParameterNames.Contains(parameter.Name)
                    && argument.Value.ConstantValue is { HasValue: true, Value: string sql }
                    && SqlTextClassifier.Classify(sql) is { } classification)
                {
                    ReportAt(context, argument.Value.Syntax.GetLocation(), context.Operation, Display(method), classification);
                    return;
                }
            }
        }

        private void Report(OperationAnalysisContext context, IOperation operation, IMethodSymbol method, CallClassification? classification)
        {
            if (classification is { } value)
            {
                ReportAt(context, operation.Syntax.GetLocation(), operation, Display(method), value);
            }
        }

        private void ReportAt(OperationAnalysisContext context, Location location, IOperation operation, string api, CallClassification classification)
        {
            if (classification.Kind == SensitiveKind.Ignore
                || GuardContext.IsGuarded(operation, context.ContainingSymbol, classification.Kind, _symbols))
            {
                return;
            }

            var properties = ImmutableDictionary<string, string?>.Empty.Add(RuleIdentifiers.KindProperty, classification.Kind.ToString());
            context.ReportDiagnostic(Diagnostic.Create(Rules.ForKind(classification.Kind), location, properties, api, classification.Description));
        }

        private static string Display(IMethodSymbol method)
        {
            method = method.ReducedFrom ?? method;
            return method.MethodKind == MethodKind.Constructor
                ? "new " + method.ContainingType.Name
                : method.ContainingType.Name + "." + method.Name;
        }

        private static bool IsProcessStart(IMethodSymbol method) =>
            method.Name == "Start" && method.ContainingType is { Name: "Process" } type && IsSystemDiagnostics(type);

        private static bool IsProcessStartInfo(INamedTypeSymbol type) => type.Name == "ProcessStartInfo" && IsSystemDiagnostics(type);

        private static bool IsSystemDiagnostics(INamedTypeSymbol type) =>
            type.ContainingNamespace is { Name: "Diagnostics", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } };

        // Process.Start(string …) is classified by its program and arguments; Start() and Start(ProcessStartInfo) are
        // classified where the ProcessStartInfo is created.
        private static CallClassification? ClassifyProcessStart(IInvocationOperation invocation)
        {
            var method = invocation.TargetMethod;
            if (!method.IsStatic || method.Parameters.Length == 0 || method.Parameters[0].Type.SpecialType != SpecialType.System_String)
            {
                return null;
            }

            string? fileName = null;
            string? arguments = string.Empty;
            foreach (var argument in invocation.Arguments)
            {
                switch (argument.Parameter?.Ordinal)
                {
                    case 0:
                        fileName = argument.Value.ConstantValue is { HasValue: true, Value: string name } ? name : null;
                        break;
                    case 1:
                        arguments = ConstantArguments(argument.Value);
                        break;
                }
            }

            return ProcessLaunchClassifier.Classify(fileName, arguments);
        }

        private static CallClassification? ClassifyStartInfo(IObjectCreationOperation creation)
        {
            string? fileName = null;
            string? arguments = string.Empty;
            var fileNameKnown = false;
            foreach (var argument in creation.Arguments)
            {
                switch (argument.Parameter?.Name)
                {
                    case "fileName":
                        fileNameKnown = true;
                        fileName = argument.Value.ConstantValue is { HasValue: true, Value: string name } ? name : null;
                        break;
                    case "arguments":
                        arguments = ConstantArguments(argument.Value);
                        break;
                }
            }

            if (creation.Initializer is { } initializer)
            {
                foreach (var init in initializer.Initializers)
                {
                    if (init is ISimpleAssignmentOperation { Target: IPropertyReferenceOperation target } assignment)
                    {
                        if (target.Property.Name == "FileName")
                        {
                            fileNameKnown = true;
                            fileName = assignment.Value.ConstantValue is { HasValue: true, Value: string name } ? name : null;
                        }
                        else if (target.Property.Name == "Arguments")
                        {
                            arguments = ConstantArguments(assignment.Value);
                        }
                    }
                }
            }

            // new ProcessStartInfo() whose FileName is set later is judged nowhere: nothing constant to classify.
            return fileNameKnown ? ProcessLaunchClassifier.Classify(fileName, arguments) : null;
        }

        private static string? ConstantArguments(IOperation value)
        {
            while (value is IConversionOperation conversion)
            {
                value = conversion.Operand;
            }

            if (value.ConstantValue is { HasValue: true, Value: string text })
            {
                return text;
            }

            IEnumerable<IOperation>? elements = value switch
            {
                IArrayCreationOperation { Initializer: { } init } => init.ElementValues,
                ICollectionExpressionOperation collection => collection.Elements,
                _ => null,
            };
            if (elements is null)
            {
                return null;
            }

            var parts = new List<string>();
            foreach (var element in elements)
            {
                if (element.ConstantValue is not { HasValue: true, Value: string part })
                {
                    return null;
                }

                parts.Add(part.IndexOf(' ') >= 0 ? "\"" + part + "\"" : part);
            }

            return string.Join(" ", parts);
        }

        private static bool Implements(INamedTypeSymbol type, INamedTypeSymbol iface)
        {
            if (SymbolEqualityComparer.Default.Equals(type, iface))
            {
                return true;
            }

            foreach (var candidate in type.AllInterfaces)
            {
                if (SymbolEqualityComparer.Default.Equals(candidate, iface))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
