using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Federation.Idp.Saml.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class PendingReauthentication : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "ReauthenticationRequestedAtUnixMs",
                table: "saml_pending_request",
                type: "bigint",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ReauthenticationRequestedAtUnixMs",
                table: "saml_pending_request");
        }
    }
}
