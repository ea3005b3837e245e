package io.dualwrite.mybatis;

import java.sql.CallableStatement;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.apache.ibatis.type.BaseTypeHandler;
import org.apache.ibatis.type.JdbcType;

/** Round 27b: binds a {@link Break27bMerchantId} as its value. */
public class Break27bMerchantIdHandler extends BaseTypeHandler<Break27bMerchantId> {

    @Override
    public void setNonNullParameter(PreparedStatement ps, int i, Break27bMerchantId parameter, JdbcType jdbcType)
            throws SQLException {
        ps.setString(i, parameter.value());
    }

    @Override
    public Break27bMerchantId getNullableResult(ResultSet rs, String columnName) throws SQLException {
        String value = rs.getString(columnName);
        return value == null ? null : new Break27bMerchantId(value);
    }

    @Override
    public Break27bMerchantId getNullableResult(ResultSet rs, int columnIndex) throws SQLException {
        String value = rs.getString(columnIndex);
        return value == null ? null : new Break27bMerchantId(value);
    }

    @Override
    public Break27bMerchantId getNullableResult(CallableStatement cs, int columnIndex) throws SQLException {
        String value = cs.getString(columnIndex);
        return value == null ? null : new Break27bMerchantId(value);
    }
}
