namespace Federation.Inventory.Domain;

/// <summary>TEMPORARY until the foundation's RegisterText lands: what each Art. 6(1) letter means.</summary>
public static class LegalBasisWords
{
    public static string Sv(string letter) => letter;

    public static string En(string letter) => letter;
}
