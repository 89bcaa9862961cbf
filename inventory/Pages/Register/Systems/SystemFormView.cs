using Federation.Core.Text;
using Federation.Inventory.Domain;

namespace Federation.Inventory.Pages.Register.Systems;

/// <summary>What the fields partial needs: the form, its problems by field, and what this person may change.</summary>
public sealed class SystemFormView(SystemForm form, IReadOnlyList<FieldProblem> problems, bool isNew, bool canChangeOwners)
{
    public SystemForm Form { get; } = form;

    public bool IsNew { get; } = isNew;

    /// <summary>Only the register's administrators decide who owns a system; an owner sees the list read-only.</summary>
    public bool CanChangeOwners { get; } = canChangeOwners;

    public Dictionary<string, List<PersonText>> ByField { get; } = SystemForm.ByField(problems);

    public bool HasProblems => ByField.Count > 0;

    public static string Label(string field) => RegisterText.Field(field).Current;

    public static string Id(string field) => SystemForm.ElementId(field);

    public static string ErrorId(string field) => Id(field) + "-error";

    public static string HintId(string field) => Id(field) + "-hint";

    public bool HasError(string field) => ByField.ContainsKey(field);

    public IReadOnlyList<PersonText> Errors(string field) => ByField.TryGetValue(field, out var list) ? list : [];

    /// <summary>The ids that describe a field's input: its hint and, when it has one, its error.</summary>
    public string DescribedBy(string field, bool hint) =>
        string.Join(' ', new[] { hint ? HintId(field) : null, HasError(field) ? ErrorId(field) : null }.OfType<string>());

    /// <summary>The error summary: every problem in the order of the form, linked to its field.</summary>
    public IEnumerable<(string Href, string Text)> Summary()
    {
        foreach (var field in SystemForm.Fields.Keys.Where(ByField.ContainsKey))
        {
            foreach (var message in ByField[field])
            {
                yield return ("#" + Id(field), $"{Label(field)}: {message.Current}");
            }
        }

        if (ByField.TryGetValue("", out var general))
        {
            foreach (var message in general)
            {
                yield return ("#system-form", message.Current);
            }
        }
    }
}
