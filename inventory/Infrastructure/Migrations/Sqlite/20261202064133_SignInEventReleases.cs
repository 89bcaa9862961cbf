using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Federation.Inventory.Infrastructure.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SignInEventReleases : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ReleasedAttributes",
                table: "SignInEvents",
                type: "TEXT",
                maxLength: 400,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_SignInEvents_Subject_At",
                table: "SignInEvents",
                columns: new[] { "Subject", "At" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_SignInEvents_Subject_At",
                table: "SignInEvents");

            migrationBuilder.DropColumn(
                name: "ReleasedAttributes",
                table: "SignInEvents");
        }
    }
}
